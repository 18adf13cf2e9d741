package io.keycloakguard.it.harness;

import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

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
