package io.keycloakguard.sessionlimits.authenticator;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BackToApplicationTest {

    @Test
    void theBaseUrlFirst() {
        assertEquals("https://app.example/home", BackToApplication.choose("https://app.example/home",
                "https://app.example/callback?x=1"));
    }

    @Test
    void elseTheRedirectUriWithoutParameters() {
        assertEquals("https://app.example/callback", BackToApplication.choose(null,
                "https://app.example/callback?state=abc&x=1#frag"));
        assertEquals("http://127.0.0.1:3000/callback", BackToApplication.choose("",
                "http://127.0.0.1:3000/callback"));
    }

    @Test
    void onlyAbsoluteHttpAddresses() {
        assertEquals("https://app.example/cb", BackToApplication.choose("javascript:alert(1)", "https://app.example/cb"));
        assertEquals("https://app.example/cb", BackToApplication.choose("/relative", "https://app.example/cb"));
        assertEquals("", BackToApplication.choose(null, "com.example.app:/oauth2redirect"));
        assertEquals("", BackToApplication.choose(null, "urn:ietf:wg:oauth:2.0:oob"));
        assertEquals("", BackToApplication.choose(null, null));
    }
}
