package io.keycloakguard.it.devices;

import io.keycloakguard.it.harness.BrowserSession;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Huge or binary user agents and garbage or forged device cookies never break a sign-in, and never fool it. */
@ExtendWith(KeycloakGuardExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedDeviceInputIT {

    DeviceRealm realm;
    GuardEnvironment env;

    @BeforeAll
    void realm(GuardEnvironment env) {
        this.env = env;
        realm = DeviceRealm.create(env.admin(), env.baseUrl(), Map.of());
    }

    @Test
    void aHugeUserAgentSignsInAsAnUnknownBrowser() {
        // Far above the 512 characters Keycloak parses, below what its HTTP server accepts (larger: 431, no login).
        String userId = realm.createUser("huge-ua");
        BrowserSession browser = realm.browser("203.0.113.10").userAgent("Mozilla/5.0 " + "x".repeat(2_000));
        realm.signIn(browser, realm.username(userId), new String[1]);
        List<Map<String, Object>> devices = realm.devices(userId);
        assertEquals(1, devices.size());
        assertEquals("Other", devices.get(0).get("browser"), devices.toString());
    }

    @Test
    void garbageAndForgedDeviceCookiesCountAsNoDevice() {
        String userId = realm.createUser("cookies");
        String username = realm.username(userId);
        String[] otp = new String[1];
        BrowserSession laptop = realm.browser("203.0.113.10");
        realm.signIn(laptop, username, otp);
        String path = laptop.cookieWithPath("KC_GUARD_DEVICE").getKey();
        String genuine = laptop.cookieWithPath("KC_GUARD_DEVICE").getValue();
        String knownId = genuine.substring(0, 36);
        byte[] zeros = new byte[32];
        List<String> bad = List.of(
                "garbage",
                "x".repeat(3000),
                knownId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(zeros), // forged signature
                knownId + "." + flipFirstBit(genuine.substring(37)),                          // tampered signature
                UUID.randomUUID() + genuine.substring(36),                                   // signature of another id
                knownId,
                knownId + ".%%%%");
        for (String value : bad) {
            BrowserSession attacker = realm.browser("203.0.113.10").cookie(path, "KC_GUARD_DEVICE", value);
            DeviceRealm.SignIn signIn = realm.signIn(attacker, username, otp);
            assertTrue(signIn.otpAsked(), "a bad device cookie is no known device: " + value);
            String issued = attacker.cookieWithPath("KC_GUARD_DEVICE").getValue();
            assertNotEquals(knownId, issued.substring(0, 36), "a bad cookie never gets the known id: " + value);
        }
        // Another realm's genuine cookie is not this realm's.
        DeviceRealm other = DeviceRealm.create(env.admin(), env.baseUrl(), Map.of());
        String otherUser = other.createUser("other-realm");
        BrowserSession elsewhere = other.browser("203.0.113.10");
        other.signIn(elsewhere, other.username(otherUser), new String[1]);
        String foreign = elsewhere.cookieWithPath("KC_GUARD_DEVICE").getValue();
        assertTrue(realm.signIn(realm.browser("203.0.113.10").cookie(path, "KC_GUARD_DEVICE", foreign), username, otp)
                .otpAsked(), "another realm's device cookie is no device here");
        // The genuine one still works.
        assertTrue(!realm.signIn(realm.sameDevice(laptop, "203.0.113.10"), username, otp).otpAsked());
    }

    /** The same signature with one bit changed (editing the text could hit a bit the decoder ignores). */
    private static String flipFirstBit(String signature) {
        byte[] bytes = Base64.getUrlDecoder().decode(signature);
        bytes[0] ^= 1;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Test
    void binaryHeadersNeverCauseAServerError() throws IOException {
        String authPath = "/realms/" + realm.name + "/protocol/openid-connect/auth?client_id=" + DeviceRealm.CLIENT
                + "&redirect_uri=" + DeviceRealm.REDIRECT.replace(":", "%3A").replace("/", "%2F")
                + "&response_type=code&scope=openid";
        byte[] binary = new byte[200];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) (0x80 + (i % 120)); // no CR or LF, but far from text
        }
        int status = rawGet(authPath, Map.of("User-Agent", binary, "Cookie",
                concat("KC_GUARD_DEVICE=".getBytes(StandardCharsets.ISO_8859_1), binary)));
        assertTrue(status < 500, "login page with binary headers answered " + status);
        int account = rawGet("/realms/" + realm.name + "/guard-devices/devices",
                Map.of("Authorization", concat("Bearer ".getBytes(StandardCharsets.ISO_8859_1), binary),
                        "Cookie", concat("KC_GUARD_DEVICE=".getBytes(StandardCharsets.ISO_8859_1), binary)));
        assertEquals(401, account, "the account endpoint refuses a binary token");
    }

    private int rawGet(String path, Map<String, byte[]> headers) throws IOException {
        URI base = URI.create(env.baseUrl());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
            socket.setSoTimeout(30_000);
            ByteArrayOutputStream request = new ByteArrayOutputStream();
            request.write(("GET " + path + " HTTP/1.1\r\nHost: " + base.getHost() + ":" + base.getPort()
                    + "\r\nConnection: close\r\n").getBytes(StandardCharsets.ISO_8859_1));
            for (Map.Entry<String, byte[]> h : headers.entrySet()) {
                request.write((h.getKey() + ": ").getBytes(StandardCharsets.ISO_8859_1));
                request.write(h.getValue());
                request.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            request.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            OutputStream out = socket.getOutputStream();
            out.write(request.toByteArray());
            out.flush();
            InputStream in = socket.getInputStream();
            String statusLine = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
