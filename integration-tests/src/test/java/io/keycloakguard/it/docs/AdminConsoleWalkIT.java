package io.keycloakguard.it.docs;

import io.keycloakguard.it.harness.Await;
import io.keycloakguard.it.harness.Chromium;
import io.keycloakguard.it.harness.DocImages;
import io.keycloakguard.it.harness.GuardEnvironment;
import io.keycloakguard.it.harness.KeycloakAdmin;
import io.keycloakguard.it.harness.KeycloakGuardExtension;
import io.keycloakguard.it.harness.KeycloakVersion;
import io.keycloakguard.it.harness.Tokens;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 25 item 5: the admin path of docs/admin-guide.md in the real 26.7 admin console, in Chromium: Add execution
 * (search "guard"), Add condition, the session limit's form with a typo, the typo reported before any user is
 * refused (the save's WARN, the realm's pack status). The screenshots it takes are the guide's, saved under
 * docs/images/admin-*.png, so they cannot drift from the console.
 */
@ExtendWith(KeycloakGuardExtension.class)
class AdminConsoleWalkIT {

    private static final String FLOW = "guard browser";
    private static final String FORMS = FLOW + " forms";
    private static final String STEP = "Guard: session limit";

    @Test
    void anAdminAddsTheStepsConfiguresATypoAndSeesItReportedBeforeAnyLogin(GuardEnvironment env) throws IOException {
        Assumptions.assumeTrue(Chromium.installed(), "Debian chromium and chromium-driver are needed");
        Assumptions.assumeTrue(KeycloakVersion.atLeast("26.7"), "the walk follows the 26.7 console");
        String realm = "acme"; // a fixed name: the screenshots show it
        KeycloakAdmin admin = env.admin();
        admin.request().body(Map.of("realm", realm, "enabled", true)).post("/admin/realms").then().statusCode(201);
        admin.request().body(Map.of("newName", FLOW))
                .post("/admin/realms/{realm}/authentication/flows/{flow}/copy", realm, "browser").then().statusCode(201);

        try (Chromium chromium = Chromium.start()) {
            WebDriver browser = chromium.driver();
            browser.get(env.baseUrl() + "/admin/master/console/#/" + realm + "/authentication");
            await(browser, By.id("username")).sendKeys(env.keycloak().adminUsername());
            browser.findElement(By.id("password")).sendKeys(env.keycloak().adminPassword());
            browser.findElement(By.id("kc-login")).click();
            await(browser, By.linkText(FLOW)).click();

            // Add execution: the pack's steps, found by searching "guard", each with its description.
            openAddMenu(browser, "Add execution");
            // The dialog shows before its list and search field: wait for the field itself.
            WebElement search = await(browser, By.cssSelector("[role=dialog] input[aria-label=Search]"));
            search.sendKeys("guard", Keys.ENTER);
            await(browser, By.cssSelector("input[type=radio][data-testid='guard-session-limit']"));
            String listed = browser.findElement(By.cssSelector("[role=dialog]")).getText();
            List<String> names = List.of("Guard: session limit", "Guard: remember device", "Guard: IP allow/deny lists",
                    "Guard: per-IP login rate limit", "Guard: username password form with per-IP rate limit");
            for (String step : names) {
                assertTrue(listed.contains(step), "Add execution lists " + step + ": " + listed);
            }
            // Each step's name says "Guard:"; its description under it does not say it again.
            assertTrue(listed.lines().filter(l -> l.startsWith("Guard:")).allMatch(names::contains),
                    "descriptions do not repeat the prefix: " + listed);
            save(chromium, "admin-add-execution");
            browser.findElement(By.cssSelector("input[type=radio][data-testid='guard-session-limit']")).click();
            browser.findElement(By.cssSelector("button[data-testid=modal-add]")).click();

            // Required, then the form: the realm limit starts at 3; the admin types "two".
            WebElement row = await(browser, stepRow());
            WebElement requirement = row.findElements(By.tagName("button")).stream()
                    .filter(b -> b.getText().trim().equals("Disabled")).findFirst().orElseThrow();
            scrollTo(browser, requirement).click();
            await(browser, By.xpath("//*[@role='option'][normalize-space()='Required']")).click();
            Await.until(() -> browser.findElement(stepRow()).getText().contains("Required"), Duration.ofSeconds(15),
                    "the step is Required");
            scrollTo(browser, browser.findElement(stepRow()).findElement(By.cssSelector("button[aria-label=Settings]")))
                    .click();
            WebElement realmLimit = await(browser, By.id("config.realmLimit"));
            WebElement form = browser.findElement(By.cssSelector("[role=dialog]"));
            assertEquals("3", realmLimit.getAttribute("value"), "the form starts at Keycloak's own default");
            assertTrue(form.getText().contains("Deny new session"), "the choice in words: " + form.getText());
            form.findElement(By.id("alias")).sendKeys("session limit");
            realmLimit.sendKeys(Keys.chord(Keys.CONTROL, "a"), "two");
            form.findElement(By.cssSelector("button[data-testid=clientLimits-add-row]")).click();
            closeAlerts(browser);
            save(chromium, "admin-session-limit-form");
            form.findElement(By.cssSelector("button[data-testid=save]")).click();
            Await.until(() -> browser.getPageSource().contains("Successfully saved the config"), Duration.ofSeconds(15),
                    "Keycloak saves whatever it is given");

            // Add condition: the new-device condition among Keycloak's own.
            openAddMenu(browser, "Add condition");
            await(browser, By.xpath("//*[@role='dialog']//*[contains(text(),'Condition - new device or network')]"));
            closeAlerts(browser);
            save(chromium, "admin-add-condition");
            browser.findElement(By.cssSelector("[role=dialog] button[data-testid=cancel]")).click();
        }

        // Before any user signs in: the save's WARN names realm, flow, step and problem ...
        String expected = "realm " + realm + ", flow '" + FORMS + "', step '" + STEP + "'";
        Await.until(() -> env.keycloak().log().lines().anyMatch(l -> l.contains("WARN") && l.contains(expected)
                        && l.contains("'two'")), Duration.ofSeconds(30), "the WARN naming " + expected);
        // ... and the realm's status lists it, for an admin of that realm (view-realm), not only the master realm's.
        admin.request().body(Map.of("clientId", "status-cli", "publicClient", true, "directAccessGrantsEnabled", true))
                .post("/admin/realms/{realm}/clients", realm).then().statusCode(201);
        String username = KeycloakAdmin.uniqueUsername("realm-admin");
        String userId = admin.createUser(realm, username, "Correct-horse-42");
        admin.grantClientRole(realm, userId, "realm-management", "view-realm");
        String token = (String) Tokens.passwordGrant(env.baseUrl(), realm, "status-cli", username, "Correct-horse-42")
                .get("access_token");
        String status = given().auth().oauth2(token).get(env.baseUrl() + "/admin/realms/" + realm + "/guard/status")
                .then().statusCode(200).extract().asString();
        JsonPath json = JsonPath.from(status);
        List<Map<String, Object>> invalid = json.getList("invalidConfigs");
        assertEquals(1, invalid.size(), status);
        assertEquals(FORMS, invalid.get(0).get("flow"), status);
        assertEquals(STEP, invalid.get(0).get("step"), status);
        assertTrue(invalid.get(0).get("problems").toString().contains("'two'"), status);
        assertTrue(json.getBoolean("redis.reachable"), status);

        // The status as a realm admin reads it (kcadm get guard/status -r <realm>), for the guide: the realm's sections.
        Map<String, Object> shown = new LinkedHashMap<>();
        for (String section : List.of("realm", "redis", "outbox", "revocationFeed", "invalidConfigs", "configWarnings")) {
            shown.put(section, json.get(section));
        }
        String pretty = groovy.json.JsonOutput.prettyPrint(groovy.json.JsonOutput.toJson(shown));
        try (Chromium chromium = Chromium.start()) {
            WebDriver browser = chromium.driver();
            browser.get("about:blank");
            ((JavascriptExecutor) browser).executeScript("document.title='guard/status';"
                    + "const h=document.createElement('h3');h.textContent=arguments[0];"
                    + "const p=document.createElement('pre');p.textContent=arguments[1];"
                    + "p.style.whiteSpace='pre-wrap';document.body.append(h,p);",
                    "kcadm.sh get guard/status -r " + realm + "   (GET /admin/realms/" + realm + "/guard/status)",
                    pretty);
            save(chromium, "admin-pack-status");
        }
    }

    private static By stepRow() {
        return By.xpath("//tr[.//div[@data-testid='" + STEP + "']]");
    }

    /** The ⊕ of the forms subflow: Add execution / Add condition / Add sub-flow. */
    private static void openAddMenu(WebDriver browser, String item) {
        scrollTo(browser, await(browser, By.cssSelector("button[data-testid='" + FORMS + "-edit-dropdown']"))).click();
        By items = By.cssSelector("[role=menuitem], li button");
        Await.until(() -> browser.findElements(items).stream().anyMatch(e -> e.getText().trim().equals(item)),
                Duration.ofSeconds(30), "the menu offers " + item);
        List<String> offered = browser.findElements(items).stream().map(e -> e.getText().trim())
                .filter(t -> !t.isEmpty()).toList();
        assertTrue(offered.containsAll(List.of("Add execution", "Add condition", "Add sub-flow")), offered.toString());
        browser.findElements(items).stream().filter(e -> e.getText().trim().equals(item)).findFirst().orElseThrow()
                .click();
    }

    /** The "… successfully …" toasts cover the dialog's title in a screenshot. */
    private static void closeAlerts(WebDriver browser) {
        for (WebElement close : browser.findElements(By.cssSelector(".pf-v5-c-alert__action button"))) {
            try {
                close.click();
            } catch (RuntimeException gone) {
                // it timed out by itself meanwhile
            }
        }
        Await.until(() -> browser.findElements(By.cssSelector(".pf-v5-c-alert")).isEmpty(), Duration.ofSeconds(15),
                "no toast over the dialog");
    }

    private static WebElement scrollTo(WebDriver browser, WebElement element) {
        ((JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block:'center'})", element);
        return element;
    }

    private static WebElement await(WebDriver browser, By by) {
        Await.until(() -> !browser.findElements(by).isEmpty() && browser.findElement(by).isDisplayed(),
                Duration.ofSeconds(30), "the page shows " + by);
        return browser.findElement(by);
    }

    /** A screenshot under target/screenshots and, with the same name, in docs/images for the admin guide. */
    private static void save(Chromium chromium, String name) {
        DocImages.publish(chromium.screenshot(name), name);
    }
}
