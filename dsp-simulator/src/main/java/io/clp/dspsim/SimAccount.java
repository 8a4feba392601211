package io.clp.dspsim;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.AbstractList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One simulated account. Its hierarchy is a pure function of (seed, DSP, account id, level, index): nothing is held
 * in memory but the changes made through the admin API, so an account with 100k line items costs nothing until read.
 * Every campaign has {@code ios} insertion orders, each {@code lineItems} line items, each {@code creatives} creatives.
 */
public final class SimAccount {

    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");
    private static final String[] WORDS = {"Brand", "Awareness", "Retargeting", "Prospecting", "Holiday", "Spring",
            "Launch", "Always-On", "Video", "Display", "Search", "Social", "Performance", "Reach", "Loyalty", "Promo"};
    private static final String[] STATUSES = {"ACTIVE", "ACTIVE", "ACTIVE", "ACTIVE", "ACTIVE", "PAUSED", "PAUSED",
            "ARCHIVED", "DRAFT", "ACTIVE"};

    private final long seed;
    private final int ordinal;
    private final String dsp;
    private final String id;
    private final String name;
    private final ZoneId timeZone;
    private final String currency;
    private final int ios;
    private final int lineItems;
    private final int creatives;
    private volatile long campaigns;
    /** Changes made through the admin API, by level and index: renamed (a new update time) or removed. */
    private final Map<String, Change> changes = new ConcurrentHashMap<>();

    /** Restatements made through the admin API: how many times each day's delivery was revised. */
    private final Map<LocalDate, Integer> revisions = new ConcurrentHashMap<>();

    record Change(String nameSuffix, Instant at, boolean removed) {
    }

    public SimAccount(long seed, int ordinal, String dsp, String id, String name, ZoneId timeZone, String currency,
                      long campaigns, int ios, int lineItems, int creatives) {
        this.seed = seed;
        this.ordinal = ordinal;
        this.dsp = dsp;
        this.id = id;
        this.name = name;
        this.timeZone = timeZone;
        this.currency = currency;
        this.campaigns = campaigns;
        this.ios = ios;
        this.lineItems = lineItems;
        this.creatives = creatives;
    }

    public String dsp() {
        return dsp;
    }

    public String id() {
        return id;
    }

    public String name() {
        return name;
    }

    public ZoneId timeZone() {
        return timeZone;
    }

    public String currency() {
        return currency;
    }

    /** How many objects the level has, deleted ones included. */
    public long count(int level) {
        long n = campaigns;
        if (level >= SimEntity.INSERTION_ORDER) n *= ios;
        if (level >= SimEntity.LINE_ITEM) n *= lineItems;
        if (level >= SimEntity.CREATIVE) n *= creatives;
        return n;
    }

    /** Every object of a level in a stable order (by index), deleted ones included, computed on access. */
    public List<SimEntity> entities(int level) {
        long size = count(level);
        return new AbstractList<>() {
            @Override
            public SimEntity get(int index) {
                return entity(level, index);
            }

            @Override
            public int size() {
                return (int) Math.min(Integer.MAX_VALUE, size);
            }
        };
    }

    /** The objects of a level whose parent is {@code parentIndex} (a contiguous block of indexes). */
    public List<SimEntity> children(int level, long parentIndex) {
        int per = level == SimEntity.INSERTION_ORDER ? ios : level == SimEntity.LINE_ITEM ? lineItems : creatives;
        long first = parentIndex * per;
        return new AbstractList<>() {
            @Override
            public SimEntity get(int i) {
                return entity(level, first + i);
            }

            @Override
            public int size() {
                return per;
            }
        };
    }

    /** The object with this DSP id at this level, or null. */
    public SimEntity byId(int level, String entityId) {
        long index = indexOf(level, entityId);
        return index >= 0 && index < count(level) ? entity(level, index) : null;
    }

    public SimEntity entity(int level, long index) {
        SplittableRandom random = random(level, index);
        String entityId = idOf(level, index);
        String parentId = level == SimEntity.CAMPAIGN ? null : idOf(level - 1, parentIndex(level, index));
        String campaignId = idOf(SimEntity.CAMPAIGN, campaignIndex(level, index));
        String label = switch (level) {
            case SimEntity.CAMPAIGN -> "Campaign";
            case SimEntity.INSERTION_ORDER -> "IO";
            case SimEntity.LINE_ITEM -> "Line item";
            default -> "Creative";
        };
        String baseName = label + " " + index + " " + WORDS[random.nextInt(WORDS.length)] + " " + WORDS[random.nextInt(WORDS.length)];
        String status = STATUSES[random.nextInt(STATUSES.length)];
        LocalDate start = LocalDate.of(2026, 1, 1).plusDays(random.nextInt(300));
        LocalDate end = start.plusDays(14 + random.nextInt(120));
        BigDecimal budget = level == SimEntity.CREATIVE ? null
                : BigDecimal.valueOf(1_000 + random.nextInt(99_000) * 10L, 0).divide(BigDecimal.valueOf(level + 1), 2, RoundingMode.DOWN);
        String budgetType = level == SimEntity.CREATIVE ? null : random.nextInt(4) == 0 ? "daily" : "lifetime";
        Instant updated = EPOCH.plusSeconds(random.nextLong(60L * 60 * 24 * 300));
        List<String> labels = random.nextInt(3) == 0 ? List.of() : List.of("team:" + WORDS[random.nextInt(WORDS.length)].toLowerCase(),
                "region:" + (random.nextBoolean() ? "emea" : "amer"));
        String pacingPeriod = random.nextBoolean() ? "DAILY" : "FLIGHT";
        String pacingType = random.nextInt(3) == 0 ? "ASAP" : "EVEN";
        Change change = changes.get(level + ":" + index);
        boolean removed = false;
        if (change != null) {
            baseName = baseName + change.nameSuffix();
            updated = change.at();
            removed = change.removed();
        }
        return new SimEntity(level, index, entityId, parentId, campaignId, baseName, removed ? "REMOVED" : status, budget,
                budgetType, level == SimEntity.CREATIVE ? null : start, level == SimEntity.CREATIVE ? null : end,
                pacingPeriod, pacingType, labels, updated, removed);
    }

    /**
     * Deterministic daily delivery of one object of a level (line items and campaigns report; others sum their
     * children): the same for the same (seed, account, object, day) on every call, until the day is restated.
     */
    public Delivery delivery(int level, long index, LocalDate date) {
        int revision = revisions.getOrDefault(date, 0);
        SplittableRandom random = new SplittableRandom(seed ^ (31L * index + level) ^ date.toEpochDay() * 0x9E3779B97F4A7C15L ^ id.hashCode()
                ^ revision * 0xBF58476D1CE4E5B9L);
        long impressions = 1_000 + random.nextInt(50_000);
        long clicks = impressions * (5 + random.nextInt(30)) / 10_000;
        long conversions = clicks * random.nextInt(10) / 100;
        long views = impressions * random.nextInt(40) / 100;
        BigDecimal spend = BigDecimal.valueOf(impressions * (150 + random.nextInt(800)), 5).setScale(2, RoundingMode.HALF_UP);
        BigDecimal revenue = spend.multiply(BigDecimal.valueOf(50 + random.nextInt(300), 2)).setScale(2, RoundingMode.HALF_UP);
        return new Delivery(impressions, clicks, conversions, views, spend, revenue);
    }

    public record Delivery(long impressions, long clicks, long conversions, long views, BigDecimal spend, BigDecimal revenue) {
    }

    // --- changes (admin API) ---------------------------------------------------------------------------------------

    /**
     * Restates a day, as DSPs do while conversions trickle in and invalid traffic is removed: every object's delivery
     * for {@code date} changes on later reads (deterministically: the revision number joins the seed). Returns the
     * day's new revision.
     */
    public int restate(LocalDate date) {
        return revisions.merge(date, 1, Integer::sum);
    }

    /** Renames {@code n} objects of a level (their update time becomes now), starting at a seeded position. */
    public List<String> rename(int level, int n, Instant now) {
        return change(level, n, now, false);
    }

    /** Deletes {@code n} objects of a level at the DSP. */
    public List<String> remove(int level, int n, Instant now) {
        return change(level, n, now, true);
    }

    /** Adds {@code n} campaigns (with their whole subtree), updated now. */
    public synchronized List<String> addCampaigns(int n, Instant now) {
        long first = campaigns;
        campaigns = first + n;
        List<String> added = new java.util.ArrayList<>();
        for (long i = first; i < first + n; i++) {
            changes.put(SimEntity.CAMPAIGN + ":" + i, new Change("", now, false));
            for (int level = 1; level <= SimEntity.CREATIVE; level++) {
                long perCampaign = count(level) / campaigns;
                for (long j = i * perCampaign; j < (i + 1) * perCampaign; j++) {
                    changes.put(level + ":" + j, new Change("", now, false));
                }
            }
            added.add(idOf(SimEntity.CAMPAIGN, i));
        }
        return added;
    }

    private synchronized List<String> change(int level, int n, Instant now, boolean removed) {
        SplittableRandom random = new SplittableRandom(seed ^ now.toEpochMilli());
        List<String> ids = new java.util.ArrayList<>();
        long size = count(level);
        java.util.Set<Long> picked = new java.util.HashSet<>();
        for (int k = 0; k < n && k < size; k++) {
            long index = random.nextLong(size);
            if (!picked.add(index)) {
                k--; // the same object twice would be reported twice: pick another
                continue;
            }
            String key = level + ":" + index;
            Change previous = changes.get(key);
            if (previous != null && previous.removed()) {
                continue;
            }
            changes.put(key, new Change(removed ? "" : " (rev " + now.toEpochMilli() % 100_000 + ")", now, removed));
            ids.add(idOf(level, index));
        }
        return ids;
    }

    // --- ids --------------------------------------------------------------------------------------------------------

    /**
     * Ids are digits, numeric as the DSPs' are: a level digit, the account's ordinal (three digits), then the index;
     * stable, and unique across the simulator's accounts as a DSP's ids are unique across its accounts.
     */
    public String idOf(int level, long index) {
        return (level + 1) + String.format("%03d%09d", ordinal, index);
    }

    long indexOf(int level, String entityId) {
        String prefix = (level + 1) + String.format("%03d", ordinal);
        if (entityId == null || entityId.length() <= prefix.length() || !entityId.startsWith(prefix)) {
            return -1;
        }
        try {
            return Long.parseLong(entityId.substring(prefix.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private long parentIndex(int level, long index) {
        return switch (level) {
            case SimEntity.INSERTION_ORDER -> index / ios;
            case SimEntity.LINE_ITEM -> index / lineItems;
            case SimEntity.CREATIVE -> index / creatives;
            default -> -1;
        };
    }

    private long campaignIndex(int level, long index) {
        long i = index;
        for (int l = level; l > SimEntity.CAMPAIGN; l--) {
            i = parentIndex(l, i);
        }
        return i;
    }

    private SplittableRandom random(int level, long index) {
        return new SplittableRandom(seed * 1_000_003L ^ (dsp.hashCode() * 31L + id.hashCode()) * 0x9E3779B97F4A7C15L
                ^ (index * 4 + level) * 0xBF58476D1CE4E5B9L);
    }
}
