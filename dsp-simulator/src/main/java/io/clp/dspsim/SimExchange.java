package io.clp.dspsim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/** One call to the simulator: request parts, JSON helpers, and the answer (logged with its account for tests). */
public final class SimExchange {

    public static final ObjectMapper JSON = new ObjectMapper();

    private final HttpExchange exchange;
    private final String dsp;
    private final String path;
    private final Map<String, String> query;
    private final RequestLog log;
    private byte[] body;
    private String accountId;
    private boolean answered;

    SimExchange(HttpExchange exchange, String dsp, String path, RequestLog log) {
        this.exchange = exchange;
        this.dsp = dsp;
        this.path = path;
        this.query = parseQuery(exchange.getRequestURI().getRawQuery());
        this.log = log;
    }

    public String method() {
        return exchange.getRequestMethod();
    }

    /** The path after the API's prefix, e.g. {@code /v4/advertisers/1000001/lineItems}. */
    public String path() {
        return path;
    }

    public Optional<String> query(String name) {
        return Optional.ofNullable(query.get(name));
    }

    public Map<String, String> queryParams() {
        return query;
    }

    /** The largest request body the simulator reads, decompressed: 1 MiB. */
    static final int MAX_BODY_BYTES = 1 << 20;

    public Optional<String> header(String name) {
        return Optional.ofNullable(exchange.getRequestHeaders().getFirst(name));
    }

    /** The bearer token of the Authorization header, if any. */
    public Optional<String> bearer() {
        return header("Authorization").filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7)).map(h -> h.substring(7).trim());
    }

    /** The base URL the caller used for this API (for absolute URLs in answers, such as Meta's paging.next). */
    public String baseUrl(String prefix) {
        String host = header("Host").orElse("localhost:" + exchange.getLocalAddress().getPort());
        String scheme = exchange instanceof com.sun.net.httpserver.HttpsExchange ? "https://" : "http://";
        return scheme + host + prefix;
    }

    /**
     * The request body, decompressed when sent with {@code Content-Encoding: gzip}: Google's API clients gzip every
     * request body by default, and Google's front ends accept it.
     */
    public byte[] body() throws IOException {
        if (body == null) {
            byte[] raw = bounded(exchange.getRequestBody());
            boolean gzip = header("Content-Encoding").map(e -> e.trim().equalsIgnoreCase("gzip")).orElse(false);
            if (gzip && raw.length > 0) {
                try (var in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                    raw = bounded(in);
                } catch (ZipException | java.io.EOFException e) {
                    throw new BadRequest("the body is not valid gzip");
                }
            }
            body = raw;
        }
        return body;
    }

    /**
     * At most {@link #MAX_BODY_BYTES} of a body (after decompression too): the APIs' requests are a query, a page
     * token or a report definition, and a caller cannot make the simulator hold more.
     */
    private static byte[] bounded(java.io.InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        if (bytes.length > MAX_BODY_BYTES) {
            throw new BadRequest("the body is larger than " + MAX_BODY_BYTES + " bytes");
        }
        return bytes;
    }

    public String bodyText() throws IOException {
        return new String(body(), StandardCharsets.UTF_8);
    }

    /** The body as JSON; an empty body is an empty object. Malformed JSON throws {@link BadRequest}. */
    public JsonNode json() throws IOException {
        byte[] b = body();
        if (b.length == 0) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(b);
        } catch (IOException e) {
            throw new BadRequest("the body is not valid JSON");
        }
    }

    /** Form fields of an {@code application/x-www-form-urlencoded} body (OAuth token endpoints). */
    public Map<String, String> form() throws IOException {
        return parseQuery(bodyText());
    }

    /**
     * The parameters a POST carries in its body, whichever way it is encoded: a url-encoded form, a
     * {@code multipart/form-data} form (Meta's Java SDK posts every call so), or a JSON object (scalars as text,
     * anything else as its JSON). An empty map for other or no bodies.
     */
    public Map<String, String> bodyParams() throws IOException {
        String contentType = header("Content-Type").orElse("");
        if (contentType.startsWith("application/x-www-form-urlencoded")) {
            return form();
        }
        if (contentType.startsWith("multipart/form-data")) {
            return multipart(contentType);
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (contentType.startsWith("application/json")) {
            json().fields().forEachRemaining(f -> params.put(f.getKey(),
                    f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString()));
        }
        return params;
    }

    /**
     * The text fields of a {@code multipart/form-data} body (RFC 7578). Hand-parsed because the simulator keeps to
     * Jackson alone on its classpath; file parts are not simulated and are skipped.
     */
    private Map<String, String> multipart(String contentType) throws IOException {
        Matcher b = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType);
        if (!b.find()) {
            throw new BadRequest("multipart/form-data without a boundary");
        }
        String delimiter = "--" + b.group(1);
        Map<String, String> params = new LinkedHashMap<>();
        String text = bodyText();
        for (String part : text.split(Pattern.quote(delimiter))) {
            int blank = part.indexOf("\r\n\r\n");
            if (blank < 0) {
                continue; // the preamble, or the closing "--"
            }
            String headers = part.substring(0, blank);
            Matcher name = Pattern.compile(
                    "(?i)content-disposition:\\s*form-data;[^\r\n]*?\\bname=\"([^\"]*)\"").matcher(headers);
            if (!name.find() || headers.toLowerCase(Locale.ROOT).contains("filename=")) {
                continue;
            }
            String value = part.substring(blank + 4);
            params.putIfAbsent(name.group(1), value.endsWith("\r\n") ? value.substring(0, value.length() - 2) : value);
        }
        return params;
    }

    /** Names the account the call is about, for the request log and fault matching. */
    public SimExchange account(String id) {
        this.accountId = id;
        return this;
    }

    public String accountId() {
        return accountId;
    }

    public void json(int status, Object value) throws IOException {
        send(status, "application/json; charset=UTF-8", JSON.writeValueAsBytes(value), Map.of());
    }

    public void json(int status, Object value, Map<String, String> headers) throws IOException {
        send(status, "application/json; charset=UTF-8", JSON.writeValueAsBytes(value), headers);
    }

    public void send(int status, String contentType, byte[] content, Map<String, String> headers) throws IOException {
        if (answered) {
            return;
        }
        answered = true;
        exchange.getResponseHeaders().set("Content-Type", contentType);
        headers.forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
        log.add(new RequestLog.Entry(Instant.now(), dsp, accountId, method(), path, status));
        exchange.sendResponseHeaders(status, content.length == 0 ? -1 : content.length);
        if (content.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(content);
            }
        }
    }

    /** Sends the first bytes of an answer and closes the connection: a page cut short on the wire. */
    public void truncated(int status, Object value) throws IOException {
        byte[] full = JSON.writeValueAsBytes(value);
        byte[] cut = java.util.Arrays.copyOf(full, Math.max(1, full.length / 2));
        send(status, "application/json; charset=UTF-8", cut, Map.of());
    }

    boolean answered() {
        return answered;
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(name, value);
        }
        return params;
    }

    /** A request the API refuses with 400; each API renders it in its error shape. */
    public static final class BadRequest extends RuntimeException {
        public BadRequest(String message) {
            super(message);
        }
    }
}
