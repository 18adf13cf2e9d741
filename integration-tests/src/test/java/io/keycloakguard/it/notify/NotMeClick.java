package io.keycloakguard.it.notify;

import io.keycloakguard.it.harness.BrowserSession;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Following a "this wasn't me" link as its owner does: open it, then press the confirmation page's button. */
final class NotMeClick {

    static final Pattern CONFIRM_FORM = Pattern.compile(
            "<form[^>]*id=\"guard-not-me-confirm\"[^>]*\\baction=\"([^\"]+)\"", Pattern.CASE_INSENSITIVE);

    private NotMeClick() {
    }

    /** The action of the confirmation page's form, or null when the page has none. */
    static String confirmAction(String html) {
        Matcher m = CONFIRM_FORM.matcher(html == null ? "" : html);
        return m.find() ? m.group(1).replace("&amp;", "&") : null;
    }

    /** Opens the link and, when Keycloak answers with the confirmation page, confirms; the page shown at the end. */
    static BrowserSession.Outcome confirm(BrowserSession browser, String link) {
        BrowserSession.Outcome page = browser.open(link);
        String action = confirmAction(page.body());
        if (page.status() != 200 || action == null) {
            return page;
        }
        return browser.submitForm(action, Map.of());
    }

    static BrowserSession.Outcome confirm(String baseUrl, String link) {
        return confirm(new BrowserSession(baseUrl), link);
    }

    static final Pattern PROCEED = Pattern.compile("href=\"([^\"]*/login-actions/action-token[^\"]*)\"");

    /**
     * Opens the new-password email's link (Keycloak's execute-actions token) as its owner does: Keycloak first
     * shows "Perform the following action(s)" with a link to proceed, then its Update Password form.
     */
    static BrowserSession.Outcome openNewPasswordForm(BrowserSession browser, String link) {
        BrowserSession.Outcome page = browser.open(link);
        Matcher proceed = PROCEED.matcher(page.body() == null ? "" : page.body());
        if (page.status() == 200 && !page.body().contains("kc-passwd-update-form") && proceed.find()) {
            page = browser.open(proceed.group(1).replace("&amp;", "&"));
        }
        return page;
    }
}
