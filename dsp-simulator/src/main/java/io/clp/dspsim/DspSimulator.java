package io.clp.dspsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The DSP simulator: the five DSPs' APIs on one port, each under its own path prefix (its base URL), plus an admin API
 * ({@code /admin}) to arm faults, change accounts and read the request log. A development and test tool like a local
 * S3: the services know only base URLs.
 *
 * <pre>
 *   java -cp ... io.clp.dspsim.DspSimulator [--port 8290] [--seed 42] [--faults faults.json]
 *       [--keystore tls.p12 --keystore-password secret]
 * </pre>
 * With a keystore it serves HTTPS instead of HTTP: Meta's Java business SDK opens every Graph API call as an
 * {@code HttpsURLConnection}, so it can only be pointed at an HTTPS base URL.
 */
public final class DspSimulator implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final Simulation simulation;
    private final List<DspApi> apis;

    private DspSimulator(HttpServer server, ExecutorService executor, Simulation simulation, List<DspApi> apis) {
        this.server = server;
        this.executor = executor;
        this.simulation = simulation;
        this.apis = apis;
    }

    /** Starts on {@code port} (0 for any free port) with the standard accounts generated from {@code seed}. */
    public static DspSimulator start(String host, int port, long seed) {
        return start(host, port, Catalog.standard(seed));
    }

    public static DspSimulator start(String host, int port, Catalog catalog) {
        return start(host, port, catalog, null);
    }

    /** As {@link #start(String, int, Catalog)}, over HTTPS with {@code tls}'s key when it is not null. */
    public static DspSimulator start(String host, int port, Catalog catalog, SSLContext tls) {
        Simulation simulation = new Simulation(catalog, new Faults(), new Tokens(), new Files(), new RequestLog());
        List<DspApi> apis = List.of(
                new GoogleOAuthApi(simulation),
                new Dv360Api(simulation),
                new BidManagerApi(simulation),
                new GoogleAdsApi(simulation),
                new TtdApi(simulation),
                new MetaApi(simulation),
                new AmazonAuthApi(simulation),
                new AmazonApi(simulation));
        try {
            HttpServer server;
            if (tls == null) {
                server = HttpServer.create(new InetSocketAddress(host, port), 256);
            } else {
                HttpsServer https = HttpsServer.create(new InetSocketAddress(host, port), 256);
                https.setHttpsConfigurator(new HttpsConfigurator(tls));
                server = https;
            }
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            DspSimulator simulator = new DspSimulator(server, executor, simulation, apis);
            server.createContext("/", simulator::dispatch);
            server.setExecutor(executor);
            server.start();
            return simulator;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The base URL of one API, e.g. {@code baseUrl("/dv360")}. */
    public String baseUrl(String prefix) {
        String scheme = server instanceof HttpsServer ? "https://" : "http://";
        return scheme + server.getAddress().getHostString() + ":" + port() + prefix;
    }

    /** A server TLS context from a PKCS#12 keystore (its key password the store's), for {@code --keystore}. */
    public static SSLContext tls(Path keystore, char[] password) {
        try (InputStream in = java.nio.file.Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read keystore " + keystore, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("unusable keystore " + keystore + ": " + e.getMessage(), e);
        }
    }

    public Simulation simulation() {
        return simulation;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void dispatch(HttpExchange http) throws IOException {
        String path = http.getRequestURI().getRawPath();
        try (http) {
            if (path.startsWith("/admin/")) {
                admin(new SimExchange(http, "admin", path.substring("/admin".length()), simulation.log()));
                return;
            }
            if (path.startsWith("/files/")) {
                SimExchange exchange = new SimExchange(http, "files", path, simulation.log());
                var file = simulation.files().get(path.substring("/files/".length()));
                if (file.isPresent()) {
                    exchange.send(200, file.get().contentType(), file.get().content(), Map.of());
                } else {
                    exchange.send(404, "text/plain", "no such file".getBytes(), Map.of());
                }
                return;
            }
            for (DspApi api : apis) {
                if (path.equals(api.prefix()) || path.startsWith(api.prefix() + "/")) {
                    SimExchange exchange = new SimExchange(http, api.prefix().substring(1), path.substring(api.prefix().length()),
                            simulation.log());
                    api.handle(exchange);
                    if (!exchange.answered()) {
                        exchange.json(404, Map.of("error", Map.of("code", 404, "message", "Not found: " + path)));
                    }
                    return;
                }
            }
            new SimExchange(http, "none", path, simulation.log()).json(404, Map.of("error", "no simulated API at " + path));
        } catch (SimExchange.BadRequest e) {
            // a body an API did not answer in its own error shape (the admin endpoints')
            try {
                new SimExchange(http, "none", path, simulation.log()).json(400, Map.of("error", e.getMessage()));
            } catch (IOException ignored) {
                // the connection is gone
            }
        } catch (RuntimeException e) {
            // a bug of the simulator shows as a 500 with its message, as a real server would fail
            try {
                new SimExchange(http, "none", path, simulation.log()).json(500, Map.of("error", String.valueOf(e)));
            } catch (IOException ignored) {
                // the connection is gone
            }
        }
    }

    private void admin(SimExchange exchange) throws IOException {
        String path = exchange.path();
        String method = exchange.method();
        if (path.equals("/faults") && method.equals("POST")) {
            JsonNode body = exchange.json();
            Fault fault = new Fault(Fault.Type.valueOf(body.path("type").asText()), body.path("count").asInt(1),
                    body.path("retryAfterSeconds").asInt(1), body.path("delayMillis").asLong(0));
            simulation.faults().arm(body.path("dsp").asText(), body.path("account").asText(), fault);
            exchange.json(201, Map.of("armed", fault.type().name()));
        } else if (path.equals("/faults") && method.equals("DELETE")) {
            simulation.faults().clear();
            exchange.json(204, Map.of());
        } else if (path.equals("/requests") && method.equals("GET")) {
            var entries = simulation.log().of(exchange.query("dsp").orElse(null), exchange.query("account").orElse(null));
            exchange.json(200, Map.of("requests", entries.stream().map(e -> Map.of("at", e.at().toString(), "dsp", e.dsp(),
                    "account", String.valueOf(e.accountId()), "method", e.method(), "path", e.path(), "status", e.status())).toList()));
        } else if (path.equals("/requests") && method.equals("DELETE")) {
            simulation.log().clear();
            exchange.json(204, Map.of());
        } else if (path.equals("/accounts") && method.equals("GET")) {
            ArrayNode list = SimExchange.JSON.createArrayNode();
            for (String dsp : List.of("dv360", "ttd", "meta", "amazon", "google_ads")) {
                for (SimAccount a : simulation.catalog().accounts(dsp)) {
                    list.addObject().put("dsp", dsp).put("id", a.id()).put("name", a.name())
                            .put("timeZone", a.timeZone().getId()).put("currency", a.currency())
                            .put("campaigns", a.count(0)).put("insertionOrders", a.count(1))
                            .put("lineItems", a.count(2)).put("creatives", a.count(3));
                }
            }
            exchange.json(200, Map.of("accounts", list));
        } else if (path.equals("/accounts") && method.equals("POST")) {
            JsonNode b = exchange.json();
            SimAccount a = simulation.catalog().add(b.path("dsp").asText(), b.path("id").asText(), b.path("name").asText("Simulated account"),
                    b.path("timeZone").asText("UTC"), b.path("currency").asText("USD"), b.path("campaigns").asLong(10),
                    b.path("insertionOrders").asInt(1), b.path("lineItems").asInt(1), b.path("creatives").asInt(1));
            exchange.json(201, Map.of("dsp", a.dsp(), "id", a.id()));
        } else if (path.startsWith("/accounts/") && path.endsWith("/restatements") && method.equals("POST")) {
            String[] parts = path.split("/");
            var account = simulation.catalog().account(parts[2], parts[3]);
            if (account.isEmpty()) {
                exchange.json(404, Map.of("error", "no such account"));
                return;
            }
            java.time.LocalDate date;
            try {
                date = java.time.LocalDate.parse(exchange.json().path("date").asText());
            } catch (java.time.format.DateTimeParseException e) {
                exchange.json(400, Map.of("error", "date must be an ISO day (yyyy-MM-dd)"));
                return;
            }
            exchange.json(200, Map.of("date", date.toString(), "revision", account.get().restate(date)));
        } else if (path.startsWith("/accounts/") && path.endsWith("/changes") && method.equals("POST")) {
            String[] parts = path.split("/");
            var account = simulation.catalog().account(parts[2], parts[3]);
            if (account.isEmpty()) {
                exchange.json(404, Map.of("error", "no such account"));
                return;
            }
            JsonNode b = exchange.json();
            int level = List.of("campaign", "insertion_order", "line_item", "creative").indexOf(b.path("level").asText("campaign"));
            Instant now = Instant.now();
            ObjectNode result = SimExchange.JSON.createObjectNode();
            result.putPOJO("renamed", account.get().rename(Math.max(0, level), b.path("rename").asInt(0), now));
            result.putPOJO("removed", account.get().remove(Math.max(0, level), b.path("remove").asInt(0), now));
            result.putPOJO("addedCampaigns", account.get().addCampaigns(b.path("addCampaigns").asInt(0), now));
            exchange.json(200, result);
        } else {
            exchange.json(404, Map.of("error", "no admin resource " + method + " " + path));
        }
    }

    public static void main(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 8290;
        long seed = 42;
        Path faults = null;
        Path keystore = null;
        String keystorePassword = "";
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--host" -> host = args[i + 1];
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--seed" -> seed = Long.parseLong(args[i + 1]);
                case "--faults" -> faults = Path.of(args[i + 1]);
                case "--keystore" -> keystore = Path.of(args[i + 1]);
                case "--keystore-password" -> keystorePassword = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        DspSimulator simulator = start(host, port, Catalog.standard(seed),
                keystore == null ? null : tls(keystore, keystorePassword.toCharArray()));
        if (faults != null) {
            for (JsonNode f : SimExchange.JSON.readTree(faults.toFile())) {
                simulator.simulation.faults().arm(f.path("dsp").asText(), f.path("account").asText(),
                        new Fault(Fault.Type.valueOf(f.path("type").asText()), f.path("count").asInt(1),
                                f.path("retryAfterSeconds").asInt(1), f.path("delayMillis").asLong(0)));
            }
        }
        System.out.println("DSP simulator listening on " + simulator.baseUrl(""));
        Runtime.getRuntime().addShutdownHook(new Thread(simulator::close));
        Thread.currentThread().join();
    }
}
