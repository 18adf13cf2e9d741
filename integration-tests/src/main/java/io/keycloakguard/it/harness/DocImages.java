package io.keycloakguard.it.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;

/**
 * Screenshots the docs show (docs/images), copied there by the browser tests that take them, so a page of the docs
 * cannot show a console or a login page the tests no longer see. Run from the integration-tests module.
 */
public final class DocImages {

    private static final Path IMAGES = Paths.get("..", "docs", "images");

    private DocImages() {
    }

    /** Copies a screenshot to docs/images/{name}.png. */
    public static void publish(Path screenshot, String name) {
        try {
            if (Files.size(screenshot) == 0) {
                throw new AssertionError("empty screenshot " + screenshot);
            }
            Files.createDirectories(IMAGES);
            Files.copy(screenshot, IMAGES.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
