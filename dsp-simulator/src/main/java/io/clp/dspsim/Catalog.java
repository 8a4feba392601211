package io.clp.dspsim;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The simulated accounts of every DSP, generated from a seed. By default each DSP has a small account and a large one
 * (thousands of campaigns, tens of thousands of line items and creatives), in differing time zones and currencies.
 * The credentials each DSP accepts are fixed and documented (dsp-simulator/README.md); anything else is refused as
 * the real DSP would.
 */
public final class Catalog {

    public static final String CLIENT_ID = "clp-sim-client";
    public static final String CLIENT_SECRET = "clp-sim-secret";
    public static final String REFRESH_TOKEN = "clp-sim-refresh-token";
    public static final String DEVELOPER_TOKEN = "clp-sim-developer-token";
    public static final String TTD_LOGIN = "clp-sim";
    public static final String TTD_PASSWORD = "clp-sim-password";
    public static final String META_TOKEN = "clp-sim-meta-token";

    private final long seed;
    private final Map<String, SimAccount> accounts = new LinkedHashMap<>();
    private int ordinals;

    public Catalog(long seed) {
        this.seed = seed;
    }

    /** The default accounts: per DSP a small one and a large one. */
    public static Catalog standard(long seed) {
        Catalog c = new Catalog(seed);
        c.add("dv360", "1000001", "Acme Retail DV360", "America/New_York", "USD", 40, 2, 3, 2);
        c.add("dv360", "1000002", "Acme Global DV360", "Europe/Berlin", "EUR", 2_000, 1, 5, 2);
        c.add("ttd", "ttdadv01", "Acme Retail TTD", "America/Los_Angeles", "USD", 40, 2, 3, 2);
        c.add("ttd", "ttdadv02", "Acme Global TTD", "Europe/London", "GBP", 2_000, 1, 5, 2);
        c.add("meta", "act_2000001", "Acme Retail Meta", "America/Chicago", "USD", 40, 2, 3, 2);
        c.add("meta", "act_2000002", "Acme Japan Meta", "Asia/Tokyo", "JPY", 2_000, 1, 5, 2);
        c.add("amazon", "3000001", "Acme Retail Amazon DSP", "America/New_York", "USD", 40, 2, 3, 2);
        c.add("amazon", "3000002", "Acme EU Amazon DSP", "Europe/Paris", "EUR", 2_000, 1, 5, 2);
        c.add("google_ads", "4000000001", "Acme Retail Google Ads", "America/Denver", "USD", 40, 2, 3, 2);
        c.add("google_ads", "4000000002", "Acme Australia Google Ads", "Australia/Sydney", "AUD", 2_000, 1, 5, 2);
        return c;
    }

    public SimAccount add(String dsp, String id, String name, String zone, String currency,
                          long campaigns, int ios, int lineItems, int creatives) {
        SimAccount account;
        synchronized (accounts) {
            account = new SimAccount(seed, ++ordinals, dsp, id, name, ZoneId.of(zone), currency, campaigns, ios, lineItems, creatives);
            accounts.put(dsp + ":" + id, account);
        }
        return account;
    }

    public Optional<SimAccount> account(String dsp, String id) {
        synchronized (accounts) {
            return Optional.ofNullable(accounts.get(dsp + ":" + id));
        }
    }

    public List<SimAccount> accounts(String dsp) {
        synchronized (accounts) {
            Collection<SimAccount> all = accounts.values();
            return new ArrayList<>(all.stream().filter(a -> a.dsp().equals(dsp)).toList());
        }
    }
}
