package io.keycloakguard.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.restassured.RestAssured.given;

/**
 * Plays a browser against Keycloak's login pages over plain HTTP: follows the authorization-code flow,
 * posts the forms as a browser would, and carries cookies itself. Keycloak marks its login cookies
 * {@code Secure}; browsers still send them to http://127.0.0.1, but Java's cookie handlers drop them.
 */
public final class BrowserSession {

    private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*\\baction=\"([^\"]+)\"", Pattern.CASE_INSENSITIVE);

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    /** Cookies by path, then name: Keycloak scopes its cookies to a realm's path, several realms reuse the names. */
    private final Map<String, Map<String, String>> cookiesByPath = new LinkedHashMap<>();
    private String forwardedFor;
    private String userAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";
    /** Further headers on every request, e.g. X-Forwarded-For to stand for a client behind the trusted proxy. */
    private final Map<String, String> headers = new LinkedHashMap<>();

    public BrowserSession(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    public BrowserSession userAgent(String userAgent) {
        this.userAgent = userAgent;
        return this;
    }

    /**
     * Acts as a browser at this address: every request carries {@code X-Forwarded-For}, which the harness
     * Keycloak honours from 127.0.0.1 only (like a reverse proxy there). Null stops it.
     */
    public BrowserSession forwardedFor(String clientAddress) {
        this.forwardedFor = clientAddress;
        return this;
    }

    /** Puts a cookie into the jar, as if a server had set it at that path (e.g. to carry a device cookie over). */
    public BrowserSession cookie(String path, String name, String value) {
        cookiesByPath.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(name, value);
        return this;
    }

    /** The path and value of a held cookie, or null. */
    public Map.Entry<String, String> cookieWithPath(String name) {
        return cookiesByPath.entrySet().stream().filter(e -> e.getValue().containsKey(name))
                .map(e -> Map.entry(e.getKey(), e.getValue().get(name))).findFirst().orElse(null);
    }


    /** Adds a header to every request of this browser. */
    public BrowserSession header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** Every cookie held, by name (the most specific path wins when two realms set the same name). */
    public Map<String, String> cookies() {
        Map<String, String> all = new LinkedHashMap<>();
        cookiesByPath.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> all.putAll(e.getValue()));
        return all;
    }

    /** What the flow ended with: the redirect back to the app (with its code) or the page shown instead. */
    public record Outcome(int status, String location, String body) {

        public String code() {
            if (location == null) {
                return null;
            }
            Matcher m = Pattern.compile("[?&]code=([^&]+)").matcher(location);
            return m.find() ? m.group(1) : null;
        }
    }

    /** A started authorization request: its PKCE verifier and the login page Keycloak showed. */
    public record LoginPage(String codeVerifier, String redirectUri, String clientId, String realm, String html) {

        public String formAction() {
            return BrowserSession.formAction(html);
        }
    }

    public LoginPage openLoginPage(String realm, String clientId, String redirectUri) {
        return openLoginPage(realm, clientId, redirectUri, Map.of());
    }

    /** With further authorization parameters, e.g. {@code prompt=login}. */
    public LoginPage openLoginPage(String realm, String clientId, String redirectUri, Map<String, String> extra) {
        String verifier = randomUrlSafe(32);
        Map<String, String> params = new LinkedHashMap<>(Map.of(
                "client_id", clientId,
                "redirect_uri", redirectUri,
                "response_type", "code",
                "scope", "openid",
                "state", randomUrlSafe(8),
                "nonce", randomUrlSafe(8),
                "code_challenge", s256(verifier),
                "code_challenge_method", "S256"));
        params.putAll(extra);
        String url = baseUrl + "/realms/" + realm + "/protocol/openid-connect/auth?" + form(params);
        // Followed while it stays on Keycloak: with an SSO session, e.g. kc_action lands on a later page.
        Outcome page = follow(get(url));
        if (page.status() != 200) {
            throw new AssertionError("Expected a Keycloak page, got " + page.status() + " " + page.location() + " "
                    + page.body());
        }
        return new LoginPage(verifier, redirectUri, clientId, realm, page.body());
    }

    /** Posts the username/password form and follows Keycloak's own redirects until it leaves Keycloak or shows a page. */
    public Outcome submitCredentials(LoginPage page, String username, String password) {
        return submitForm(page.formAction(), Map.of("username", username, "password", password, "credentialId", ""));
    }

    /** Opens a URL and follows redirects while they stay on this Keycloak (e.g. through an identity broker). */
    public Outcome open(String url) {
        return follow(get(url));
    }

    public Outcome submitForm(String action, Map<String, String> fields) {
        HttpResponse<String> response = post(action, fields);
        return follow(response);
    }

    /** The whole authorization-code flow with PKCE; returns the token response. */
    public Map<String, Object> login(String realm, String clientId, String redirectUri, String username, String password) {
        LoginPage page = openLoginPage(realm, clientId, redirectUri);
        Outcome outcome = submitCredentials(page, username, password);
        if (outcome.code() == null) {
            throw new AssertionError("Login did not return to the app: " + outcome.status() + " " + outcome.location()
                    + "\n" + outcome.body());
        }
        return exchangeCode(page, outcome.code());
    }

    public Map<String, Object> exchangeCode(LoginPage page, String code) {
        return given()
                .formParam("grant_type", "authorization_code")
                .formParam("client_id", page.clientId())
                .formParam("redirect_uri", page.redirectUri())
                .formParam("code", code)
                .formParam("code_verifier", page.codeVerifier())
                .post(Tokens.tokenEndpoint(baseUrl, page.realm()))
                .then().statusCode(200).extract().as(Map.class);
    }

    private Outcome follow(HttpResponse<String> response) {
        for (int hops = 0; hops < 10; hops++) {
            int status = response.statusCode();
            if (status < 300 || status >= 400) {
                return new Outcome(status, null, response.body());
            }
            String location = response.headers().firstValue("Location").orElseThrow();
            URI target = URI.create(response.uri().resolve(location).toString());
            if (!target.toString().startsWith(baseUrl)) {
                return new Outcome(status, target.toString(), response.body());
            }
            response = get(target.toString());
        }
        throw new AssertionError("Too many redirects");
    }

    public HttpResponse<String> get(String url) {
        return send(request(url).GET().build());
    }

    public HttpResponse<String> post(String url, Map<String, String> fields) {
        return send(request(url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields)))
                .build());
    }

    private HttpRequest.Builder request(String target) {
        // Some of Keycloak's forms (e.g. the consent page) post to a path, not a full URL.
        String url = target.startsWith("/") ? URI.create(baseUrl).resolve(target).toString() : target;
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("User-Agent", userAgent);
        if (forwardedFor != null) {
            b.header("X-Forwarded-For", forwardedFor);
        }
        headers.forEach(b::header);
        String path = URI.create(url).getPath();
        Map<String, String> applicable = new LinkedHashMap<>();
        cookiesByPath.entrySet().stream()
                .filter(e -> pathMatches(path == null || path.isEmpty() ? "/" : path, e.getKey()))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> applicable.putAll(e.getValue()));
        if (!applicable.isEmpty()) {
            b.header("Cookie", applicable.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("; ")));
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            response.headers().allValues("Set-Cookie").forEach(this::storeCookie);
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean pathMatches(String requestPath, String cookiePath) {
        return requestPath.equals(cookiePath) || requestPath.startsWith(cookiePath.endsWith("/") ? cookiePath : cookiePath + "/");
    }

    private void storeCookie(String header) {
        String[] parts = header.split(";");
        int eq = parts[0].indexOf('=');
        if (eq <= 0) {
            return;
        }
        String name = parts[0].substring(0, eq).trim();
        String value = parts[0].substring(eq + 1).trim();
        boolean expired = false;
        String path = "/";
        for (String attribute : parts) {
            String a = attribute.trim().toLowerCase();
            if (a.startsWith("path=")) {
                path = attribute.trim().substring(5);
            }
            if (a.equals("max-age=0") || a.startsWith("expires=thu, 01 jan 1970") || a.startsWith("expires=thu, 01-jan-1970")) {
                expired = true;
            }
        }
        Map<String, String> atPath = cookiesByPath.computeIfAbsent(path, p -> new LinkedHashMap<>());
        if (expired || value.isEmpty()) {
            atPath.remove(name);
        } else {
            atPath.put(name, value);
        }
    }

    public static String formAction(String html) {
        Matcher m = FORM_ACTION.matcher(html);
        if (!m.find()) {
            throw new AssertionError("No form on the page:\n" + html);
        }
        return m.group(1).replace("&amp;", "&");
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String randomUrlSafe(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static String s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
