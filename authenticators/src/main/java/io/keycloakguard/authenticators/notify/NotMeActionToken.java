package io.keycloakguard.authenticators.notify;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.keycloak.authentication.actiontoken.DefaultActionToken;

import java.util.UUID;

/**
 * The "this wasn't me" link of the new-device email: signed by the realm like Keycloak's own email links,
 * bound to the user only (not to a client, which the intruder may have used). It names what the reported
 * sign-in brought, so that confirming it forgets exactly that, and the address the notice went to.
 */
public class NotMeActionToken extends DefaultActionToken {

    public static final String TOKEN_TYPE = "guard-not-me";

    /** The device first seen in the reported sign-in. */
    @JsonProperty("gdev")
    private String reportedDevice;

    /** The network first seen in the reported sign-in, as the login history stores it; null when it was known. */
    @JsonProperty("gnet")
    private String reportedNetwork;

    /** Where the notice went: the new-password email goes there, whatever address the account has by now. */
    @JsonProperty("gto")
    private String noticeAddress;

    public NotMeActionToken(String userId, int absoluteExpirationInSecs, String reportedDevice, String reportedNetwork,
                            String noticeAddress) {
        super(userId, TOKEN_TYPE, absoluteExpirationInSecs, UUID.randomUUID());
        this.reportedDevice = reportedDevice;
        this.reportedNetwork = reportedNetwork;
        this.noticeAddress = noticeAddress;
    }

    /** For Keycloak's token parser. */
    private NotMeActionToken() {
    }

    public String getReportedDevice() {
        return reportedDevice;
    }

    public String getReportedNetwork() {
        return reportedNetwork;
    }

    public String getNoticeAddress() {
        return noticeAddress;
    }
}
