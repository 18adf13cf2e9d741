package io.keycloakguard.it.harness;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Headless Debian Chromium through chromedriver ({@code chromium} and {@code chromium-driver};
 * {@code .ci/run} installs them). A real browser sends Keycloak's {@code Secure} cookies to
 * http://127.0.0.1, which counts as a secure context.
 */
public final class Chromium implements AutoCloseable {

    private static final Path BINARY = Paths.get(Settings.get("it.chromium", "IT_CHROMIUM", "/usr/bin/chromium"));
    private static final Path DRIVER = Paths.get(Settings.get("it.chromedriver", "IT_CHROMEDRIVER", "/usr/bin/chromedriver"));

    private final WebDriver driver;
    private final Path userDataDir;

    private Chromium(WebDriver driver, Path userDataDir) {
        this.driver = driver;
        this.userDataDir = userDataDir;
    }

    public static boolean installed() {
        return Files.isExecutable(BINARY) && Files.isExecutable(DRIVER);
    }

    public static Chromium start() {
        try {
            Path userData = Files.createTempDirectory("guard-chromium");
            ChromeOptions options = new ChromeOptions().setBinary(BINARY.toFile())
                    .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                            "--disable-background-networking", "--disable-component-update", "--disable-sync",
                            "--disable-dev-shm-usage", "--window-size=1200,1000", "--user-data-dir=" + userData);
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                    .usingAnyFreePort().build();
            WebDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            return new Chromium(driver, userData);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public WebDriver driver() {
        return driver;
    }

    /** Saves a PNG of the current page under {@code target/screenshots/}; returns its path. */
    public Path screenshot(String name) {
        try {
            Path dir = Paths.get("target", "screenshots");
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".png");
            Files.write(file, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
            return file.toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A screenshot of the whole page: the window grows to the page's height first (at most 4000 px). */
    public Path fullPageScreenshot(String name) {
        long height = ((Number) ((JavascriptExecutor) driver)
                .executeScript("return document.documentElement.scrollHeight;")).longValue();
        driver.manage().window().setSize(new Dimension(1200, (int) Math.min(height + 140, 4000)));
        Path file = screenshot(name);
        try {
            if (Files.size(file) == 0) {
                throw new AssertionError("empty screenshot " + file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Presses Tab until the element with this id has the focus; returns the ids focused on the way. */
    public static List<String> tabTo(WebDriver browser, String id) {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            new Actions(browser).sendKeys(Keys.TAB).perform();
            String focused = browser.switchTo().activeElement().getAttribute("id");
            seen.add(focused == null ? "" : focused);
            if (id.equals(focused)) {
                return seen;
            }
        }
        throw new AssertionError("Tab never reached #" + id + ": " + seen);
    }

    /**
     * The visible texts whose colour contrasts with their background by less than WCAG AA asks (4.5:1; 3:1 for
     * large text), as "ratio text"; the background is the nearest ancestor's non-transparent one (white if none).
     * Text over a background image (keycloak.v2's realm name) is skipped: its contrast cannot be computed.
     */
    @SuppressWarnings("unchecked")
    public static List<String> lowContrastTexts(WebDriver browser) {
        return (List<String>) ((JavascriptExecutor) browser).executeScript("""
                const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
                const lum = ([r, g, b]) => [r, g, b].map(v => v / 255)
                    .map(v => v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4))
                    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
                const background = e => {
                  for (; e; e = e.parentElement) {
                    if (getComputedStyle(e).backgroundImage !== 'none') return null;
                    const c = rgb(getComputedStyle(e).backgroundColor);
                    if (c.length >= 3 && (c.length < 4 || c[3] > 0)) return c;
                  }
                  return [255, 255, 255];
                };
                const low = [];
                for (const e of document.querySelectorAll('body *')) {
                  const text = Array.from(e.childNodes).filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
                  if (!text || !e.getClientRects().length) continue;
                  const style = getComputedStyle(e), behind = background(e);
                  if (!behind) continue;
                  const a = lum(rgb(style.color)), b = lum(behind);
                  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
                  const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
                  const large = size >= 24 || (bold && size >= 18.66);
                  if (ratio < (large ? 3 : 4.5)) low.push(ratio.toFixed(2) + ' ' + text.substring(0, 60));
                }
                return low;""");
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(userDataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
