package io.clp.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.util.List;
import java.util.Locale;

/** The command line behind {@code ./clp}: up, down, status, logs, reset, dlq, bench, help. */
public final class Clp {

    private Clp() {
    }

    public static void main(String[] args) {
        String command = args.length == 0 ? "help" : args[0];
        try {
            int code = run(command, List.of(args).subList(Math.min(1, args.length), args.length));
            System.exit(code);
        } catch (StackException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    static int run(String command, List<String> args) {
        return switch (command) {
            case "up" -> up();
            case "down" -> down();
            case "status" -> status();
            case "logs" -> logs(args);
            case "reset" -> reset(args);
            case "dlq" -> dlq(args, System.getenv(), System.out);
            case "bench" -> bench(args);
            case "help", "-h", "--help" -> help();
            default -> {
                System.err.println("unknown command: " + command);
                help();
                yield 2;
            }
        };
    }

    private static Stack stack() {
        return new Stack(StackContext.of(StackLayout.discover(), Ports.defaults()), System.out);
    }

    private static int up() {
        Stack stack = stack();
        System.out.println("Starting CLP (data in " + stack.context().layout().home() + ") ...");
        stack.up();
        stack.printUrls();
        return 0;
    }

    private static int down() {
        List<String> stopped = stack().down();
        System.out.println(stopped.isEmpty() ? "nothing was running" : "stopped: " + String.join(", ", stopped));
        return 0;
    }

    private static int status() {
        List<Stack.ComponentStatus> list = stack().status();
        System.out.printf("%-22s %-8s %-6s %s%n", "COMPONENT", "STATE", "PORT", "PID");
        boolean allUp = true;
        for (Stack.ComponentStatus s : list) {
            String state = s.healthy() ? "up" : s.running() ? "starting" : "down";
            allUp &= s.healthy();
            System.out.printf("%-22s %-8s %-6d %s%n", s.name(), state, s.port(), s.pid().map(String::valueOf).orElse("-"));
        }
        return allUp ? 0 : 3;
    }

    private static int logs(List<String> args) {
        if (args.isEmpty()) {
            System.err.println("usage: clp logs NAME   (one of: "
                    + String.join(", ", stack().components().stream().map(Component::name).toList()) + ")");
            return 2;
        }
        Component c = stack().component(args.get(0))
                .orElseThrow(() -> new StackException("no component named " + args.get(0)));
        if (!Files.exists(c.log())) {
            System.err.println("no log yet at " + c.log());
            return 1;
        }
        System.out.println(Stack.tail(c.log(), 200));
        System.err.println("(last 200 lines of " + c.log() + ")");
        return 0;
    }

    private static int reset(List<String> args) {
        Stack stack = stack();
        if (!args.contains("--yes")) {
            System.out.print("This stops the stack and deletes all local data under " + stack.context().layout().home()
                    + ". Type 'yes' to go on: ");
            System.out.flush();
            String answer;
            try {
                answer = new BufferedReader(new InputStreamReader(System.in)).readLine();
            } catch (IOException e) {
                answer = null;
            }
            if (answer == null || !answer.trim().toLowerCase(Locale.ROOT).equals("yes")) {
                System.out.println("nothing deleted");
                return 1;
            }
        }
        stack.down();
        stack.reset();
        System.out.println("local data deleted");
        return 0;
    }

    /** {@code dlq list [TOPIC]} and {@code dlq replay TOPIC --id EVENT_ID|--all}; see {@link DeadLetters}. */
    static int dlq(List<String> args, java.util.Map<String, String> env, java.io.PrintStream out) {
        DeadLetters dlq = DeadLetters.fromEnvironment("127.0.0.1:" + Ports.defaults().kafka(), env);
        String usage = "usage: clp dlq list [TOPIC] | clp dlq replay TOPIC (--id EVENT_ID | --all)";
        if (args.isEmpty()) {
            System.err.println(usage);
            return 2;
        }
        if (args.get(0).equals("list") && args.size() == 1) {
            java.util.Map<String, Long> depths = dlq.depths();
            out.printf("%-70s %s%n", "DEAD-LETTER TOPIC", "PENDING");
            depths.forEach((topic, depth) -> out.printf("%-70s %d%n", topic, depth));
            return 0;
        }
        if (args.get(0).equals("list") && args.size() == 2) {
            out.printf("%-9s %-8s %-36s %-34s %-9s %-26s %s%n", "PARTITION", "OFFSET", "EVENT ID", "TYPE", "FAILURE", "FROM TOPIC", "REASON");
            for (DeadLetters.Entry e : dlq.pending(args.get(1), entry -> true)) {
                out.printf("%-9d %-8d %-36s %-34s %-9s %-26s %s%n", e.partition(), e.offset(), e.eventId(), e.type(), e.failure(),
                        e.originalTopic(), e.reason());
            }
            return 0;
        }
        if (args.get(0).equals("replay") && args.size() >= 3) {
            String topic = args.get(1);
            java.util.function.Predicate<DeadLetters.Entry> which;
            if (args.get(2).equals("--all") && args.size() == 3) {
                which = entry -> true;
            } else if (args.get(2).equals("--id") && args.size() == 4) {
                String id = args.get(3);
                which = entry -> id.equals(entry.eventId());
            } else {
                System.err.println(usage);
                return 2;
            }
            List<DeadLetters.Entry> replayed = dlq.replay(topic, which, out);
            out.println(replayed.size() + " message(s) replayed");
            return replayed.isEmpty() ? 1 : 0;
        }
        System.err.println(usage);
        return 2;
    }

    /** {@code bench audit|sync [options]}: see {@link AuditBench} and {@link SyncBench}; needs the stack that {@code up} started. */
    private static int bench(List<String> args) {
        String which = args.isEmpty() ? "" : args.get(0);
        if (!which.equals("audit") && !which.equals("sync") && !which.equals("ingest") && !which.equals("api")) {
            System.err.println("usage: clp bench audit [--rate N] [--seconds N] [--per-tx N] [--writers N]\n"
                    + "       clp bench sync [--campaigns N] [--line-items N] [--creatives N] [--timeout-minutes N]\n"
                    + "                       [--pause-audit-capture]\n"
                    + "       clp bench ingest [--rows N] [--days N] [--timeout-minutes N]\n"
                    + "       clp bench api [--campaigns N] [--days N] [--flight-days N] [--seconds N] [--rate N] [--concurrency N]");
            return 2;
        }
        List<String> options = args.subList(1, args.size());
        AuditBench.Options audit = which.equals("audit") ? AuditBench.Options.parse(options) : null;
        SyncBench.Options sync = which.equals("sync") ? SyncBench.Options.parse(options) : null;
        IngestBench.Options ingest = which.equals("ingest") ? IngestBench.Options.parse(options) : null;
        ApiBench.Options api = which.equals("api") ? ApiBench.Options.parse(options) : null;
        List<String> needed = which.equals("audit") ? List.of("postgres", "kafka", "connect", "audit-service")
                : which.equals("api") ? List.of("postgres", "kafka", "connect", "keycloak", "identity-service", "campaign-service")
                : which.equals("ingest") ? List.of("postgres", "kafka", "connect", "keycloak", "identity-service",
                        "campaign-service", "pipeline-service", "dsp-simulator")
                : List.of("postgres", "kafka", "connect", "keycloak", "identity-service", "campaign-service", "audit-service",
                        "dsp-simulator");
        Stack stack = stack();
        List<String> down = stack.status().stream()
                .filter(s -> needed.contains(s.name()) && !s.healthy())
                .map(Stack.ComponentStatus::name)
                .toList();
        if (!down.isEmpty()) {
            System.err.println("the bench runs against the local stack, and these are not up: " + String.join(", ", down)
                    + " (start it with ./clp up)");
            return 1;
        }
        try {
            if (api != null) {
                ApiBench.Result result = new ApiBench(stack.context(), System.out).run(api);
                return result.completed() ? 0 : 4;
            }
            if (ingest != null) {
                IngestBench.Result result = new IngestBench(stack.context(), System.out).run(ingest);
                return result.completed() ? 0 : 4;
            }
            if (sync != null) {
                SyncBench.Result result = new SyncBench(stack.context(), System.out).run(sync);
                return result.succeeded() ? 0 : 4;
            }
            AuditBench.Result result = new AuditBench(stack.context(), System.out).run(audit);
            return result.lost() == 0 && result.duplicated() == 0 ? 0 : 4;
        } catch (StackException e) {
            throw e;
        } catch (Exception e) {
            throw new StackException("the " + which + " bench failed: " + e);
        }
    }

    private static int help() {
        System.out.println("""
                usage: ./clp COMMAND

                  up           build if needed, start the whole platform and wait until it is healthy
                  down         stop every process that up started
                  status       each component: state, port, PID
                  logs NAME    the last lines of a component's log (postgres, kafka, connect, keycloak, identity, ...)
                  reset        stop and delete all local data (asks first; --yes to skip the question)
                  dlq list [TOPIC]
                               dead-letter topics and their pending messages (or one topic's messages)
                  dlq replay TOPIC --id EVENT_ID | --all
                               republish dead-lettered messages to their original topic
                               (KAFKA_BOOTSTRAP_SERVERS, KAFKA_CLIENT_PROPERTIES point it at another Kafka)
                  bench audit  write 1,000 changes/s for 60 s and print the audit trail's lag, losses and duplicates
                               (against the running stack; --rate, --seconds, --per-tx, --writers change the load)
                  bench sync   fully sync a simulated Google Ads account of 10,000 campaigns and 100,000 ads through the
                               running stack; print entities/s, DSP wait vs write time, when the audit trail caught up,
                               and raw COPY of the same rows
                               (--campaigns, --line-items per ad group, --creatives per ad change the size;
                               --pause-audit-capture measures the write path with the audit capture paused)
                  bench ingest load 1,000,000 rows of daily media CSV files through the metrics ETL (a directory
                               pipeline that creates the entities, then a timed restatement); print rows/s of raw
                               COPY, of gold committed and of metrics queryable, the ratios, and each service's peak
                               heap (--rows N, --days N daily files)
                  bench api    100,000 campaigns with a year of daily metrics; the campaign list by a KPI and a 90-day
                               series through campaign-service against the same SQL over JDBC: both throughputs,
                               their ratio and the service's p99 at 1,000 requests/s (--campaigns N, --days N,
                               --flight-days N, --seconds N, --rate N, --concurrency N; --reuse measures the
                               newest earlier bench organization of that size again instead of loading one)
                  test         run the whole test suite
                  help         this text
                """);
        return 0;
    }
}
