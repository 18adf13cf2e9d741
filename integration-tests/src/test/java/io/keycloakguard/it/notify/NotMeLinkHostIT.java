package io.keycloakguard.it.notify;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.DistributionKeycloak;
import io.keycloakguard.it.harness.FreePorts;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.KeycloakOptions;
import io.keycloakguard.it.harness.SmtpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The "this wasn't me" link's host (issue 24, item 4): whoever signs in chooses the request's Host (and, behind a
 * proxy that passes it on, X-Forwarded-Host); the link in the owner's email must not follow it. It comes from
 * the configured hostname or the realm's Frontend URL; with a dynamic hostname the email has no link.
 */
@ExtendWith(KeycloakGuardExtension.class)
class NotMeLinkHostIT {

    static final String EVIL = "evil.example";

    static SmtpServer smtp;

    @BeforeAll
    static void setUp() {
        smtp = SmtpServer.start();
    }

    @AfterAll
    static void tearDown() {
        if (smtp != null) {
            smtp.close();
        }
    }

    @Test
    void aForgedHostOnTheLastPostDoesNotChooseTheLinksHost(GuardEnvironment env) {
        NotifyRealm realm = NotifyRealm.create(env, "link-host", smtp); // Frontend URL: the harness address
        try {
            NewDeviceEmailIT.useDeviceRecorder(realm);
            String username = NotifyRealm.unique("host");
            realm.createUser(username);
            NewDeviceEmailIT.login(browser(realm, "198.51.100.80"), realm, username);

            signInWithHost(realm, username, "203.0.113.80", EVIL);
            BrowserSession forwarded = browser(realm, "203.0.113.81");
            BrowserSession.LoginPage page = forwarded.openLoginPage(realm.name, NotifyRealm.CLIENT, NotifyRealm.REDIRECT);
            forwarded.header("X-Forwarded-Host", EVIL);
            forwarded.submitCredentials(page, username, NotifyRealm.PASSWORD);

            for (SmtpServer.Mail mail : smtp.awaitMessagesTo(username + "@example.test", 2, Duration.ofSeconds(15))) {
                Matcher link = NewDeviceEmailIT.LINK.matcher(mail.text());
                assertTrue(link.find(), mail.text());
                assertTrue(link.group(1).startsWith(env.baseUrl() + "/realms/" + realm.name + "/login-actions/action-token?key="),
                        "the link follows the realm's Frontend URL: " + link.group(1));
                assertFalse(mail.text().contains(EVIL) || mail.html().contains(EVIL), mail.html());
            }
        } finally {
            realm.delete();
        }
    }

    @Test
    void withADynamicHostnameTheEmailGoesOutWithoutALink(GuardEnvironment env) {
        NotifyRealm realm = NotifyRealm.create(env, "dynamic-host", smtp, null);
        try {
            NewDeviceEmailIT.useDeviceRecorder(realm);
            String username = NotifyRealm.unique("dynamic");
            realm.createUser(username);
            NewDeviceEmailIT.login(browser(realm, "198.51.100.82"), realm, username);

            signInWithHost(realm, username, "203.0.113.82", EVIL);
            signInWithHost(realm, username, "203.0.113.83", EVIL);

            for (SmtpServer.Mail mail : smtp.awaitMessagesTo(username + "@example.test", 2, Duration.ofSeconds(15))) {
                assertFalse(mail.text().contains(EVIL) || mail.html().contains(EVIL),
                        "the link's host is the one the person signing in sent: " + mail.text());
                assertFalse(mail.text().contains("action-token") || mail.html().contains("action-token"), mail.text());
                assertFalse(mail.text().contains("This wasn't me"), mail.text());
                assertTrue(mail.text().contains("IP address: 203.0.113.8"), "still the notice: " + mail.text());
            }
            assertEquals(1, NewDeviceEmailIT.occurrences(env.keycloak().log(),
                    "without its \"this wasn't me\" link in realm " + realm.name), "logged once per realm");
        } finally {
            realm.delete();
        }
    }

    /** A Keycloak started with --hostname: the link follows the hostname, not the request. */
    @Test
    void aConfiguredHostnameChoosesTheLinksHost(GuardEnvironment env) {
        assumeTrue(env.keycloak() instanceof DistributionKeycloak, "needs the distribution backend");
        int port = FreePorts.next();
        String hostname = "http://127.0.0.1:" + port;
        String name = "link-hostname";
        if (env.database().isDevFile()) {
            // On H2 the scratch database stays in the work directory, with a bootstrap admin of another password.
            deleteRecursively(Path.of(System.getProperty("it.work.dir", "target/it-work"), name + "-h2"));
        }
        KeycloakOptions options = KeycloakOptions.defaults(name, env.database(), env.redis().url(), env.keyPrefix())
                .withHttpPort(port).withExtraArgs("--hostname=" + hostname);
        try (DistributionKeycloak kc = DistributionKeycloak.startScratch(options)) {
            NotifyRealm realm = NotifyRealm.create(env, KeycloakAdmin.of(kc), kc.baseUrl(), "configured-host", smtp, null);
            NewDeviceEmailIT.useDeviceRecorder(realm);
            // A fresh server renders its first login page slowly on a busy machine: wait for it once.
            Await.until(() -> {
                try {
                    return browser(realm, "198.51.100.84").get(kc.baseUrl() + "/realms/" + realm.name
                            + "/protocol/openid-connect/auth?client_id=" + NotifyRealm.CLIENT + "&response_type=code"
                            + "&scope=openid&redirect_uri=" + URLEncoder.encode(NotifyRealm.REDIRECT, StandardCharsets.UTF_8))
                            .statusCode() == 200;
                } catch (UncheckedIOException e) {
                    return false;
                }
            }, Duration.ofSeconds(180), "the scratch Keycloak serves its login page");
            String username = NotifyRealm.unique("configured");
            realm.createUser(username);
            NewDeviceEmailIT.login(browser(realm, "198.51.100.84"), realm, username);

            signInWithHost(realm, username, "203.0.113.84", EVIL);

            SmtpServer.Mail mail = smtp.awaitMessagesTo(username + "@example.test", 1, Duration.ofSeconds(15)).get(0);
            Matcher link = NewDeviceEmailIT.LINK.matcher(mail.text());
            assertTrue(link.find(), mail.text());
            assertTrue(link.group(1).startsWith(hostname + "/realms/" + realm.name + "/login-actions/action-token?key="),
                    link.group(1));
        }
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BrowserSession browser(NotifyRealm realm, String address) {
        return new BrowserSession(realm.baseUrl()).userAgent(NewDeviceEmailIT.SAFARI_IPHONE).forwardedFor(address);
    }

    /** Signs in from a new browser whose last POST (the credentials) carries {@code Host: host}. */
    static void signInWithHost(NotifyRealm realm, String username, String address, String host) {
        BrowserSession browser = browser(realm, address);
        BrowserSession.LoginPage page = browser.openLoginPage(realm.name, NotifyRealm.CLIENT, NotifyRealm.REDIRECT);
        String status = rawPost(page.formAction(), host, browser.cookies(), address, Map.of("username", username,
                "password", NotifyRealm.PASSWORD, "credentialId", ""));
        assertTrue(status.startsWith("HTTP/1.1 302") || status.startsWith("HTTP/1.1 303"),
                "the sign-in completes whatever the Host: " + status);
    }

    /** A POST whose Host header is {@code host} (Java's HTTP client does not let a caller set it); the status line. */
    static String rawPost(String url, String host, Map<String, String> cookies, String forwardedFor, Map<String, String> fields) {
        URI target = URI.create(url);
        String body = fields.entrySet().stream().map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
        String cookieHeader = cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("; "));
        String request = "POST " + target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery())
                + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\nUser-Agent: " + NewDeviceEmailIT.SAFARI_IPHONE
                + "\r\nX-Forwarded-For: " + forwardedFor + "\r\nCookie: " + cookieHeader
                + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(target.getHost(), target.getPort()), 5000);
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return response.lines().findFirst().orElse("");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
