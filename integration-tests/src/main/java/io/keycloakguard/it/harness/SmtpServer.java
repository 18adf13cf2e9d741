package io.keycloakguard.it.harness;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A local SMTP server (GreenMail) on 127.0.0.1 and a free port, for tests of the emails Keycloak sends.
 * It accepts every message for any address and keeps it in memory until {@link #close()}.
 */
public final class SmtpServer implements AutoCloseable {

    /** One received message, bodies decoded. */
    public record Mail(List<String> to, String from, String subject, String text, String html) {
    }

    private final GreenMail greenMail;
    private final int port;

    private SmtpServer(GreenMail greenMail, int port) {
        this.greenMail = greenMail;
        this.port = port;
    }

    public static SmtpServer start() {
        int port = FreePorts.next();
        GreenMail greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
        return new SmtpServer(greenMail, port);
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return port;
    }

    /** The realm's email settings (Realm settings > Email) that send through this server, without TLS or auth. */
    public Map<String, String> realmSettings(String from) {
        return Map.of("host", host(), "port", String.valueOf(port), "from", from, "fromDisplayName", "Keycloak Guard tests",
                "ssl", "false", "starttls", "false", "auth", "false");
    }

    /** Points a realm's email settings at this server through the admin REST API. */
    public void useFor(KeycloakAdmin admin, String realm, String from) {
        admin.request().body(Map.of("smtpServer", realmSettings(from)))
                .put("/admin/realms/{realm}", realm).then().statusCode(204);
    }

    /** Every message received so far, oldest first. */
    public List<Mail> messages() {
        return Arrays.stream(greenMail.getReceivedMessages()).map(SmtpServer::read).toList();
    }

    /** Messages received so far addressed to {@code address}. */
    public List<Mail> messagesTo(String address) {
        return messages().stream().filter(m -> m.to().stream().anyMatch(address::equalsIgnoreCase)).toList();
    }

    /** Waits until {@code count} messages for {@code address} arrived; returns them. */
    public List<Mail> awaitMessagesTo(String address, int count, Duration timeout) {
        Await.until(() -> messagesTo(address).size() >= count, timeout, count + " email(s) to " + address);
        return messagesTo(address);
    }

    @Override
    public void close() {
        greenMail.stop();
    }

    private static Mail read(MimeMessage message) {
        try {
            List<String> to = new ArrayList<>();
            for (var a : message.getRecipients(Message.RecipientType.TO)) {
                to.add(((InternetAddress) a).getAddress());
            }
            String from = message.getFrom() == null ? null : ((InternetAddress) message.getFrom()[0]).getAddress();
            String[] bodies = new String[2];
            collect(message, bodies);
            return new Mail(List.copyOf(to), from, message.getSubject(), bodies[0], bodies[1]);
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("Unreadable message", e);
        }
    }

    private static void collect(Part part, String[] bodies) throws MessagingException, IOException {
        if (part.isMimeType("text/plain") && bodies[0] == null) {
            bodies[0] = (String) part.getContent();
        } else if (part.isMimeType("text/html") && bodies[1] == null) {
            bodies[1] = (String) part.getContent();
        } else if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                BodyPart child = multipart.getBodyPart(i);
                collect(child, bodies);
            }
        }
    }
}
