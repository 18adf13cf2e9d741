package io.keycloakguard.it.load;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyRecorderTest {

    @Test
    void percentilesAreNearestRankOverTheSuccessfulOperationsOnly() {
        LatencyRecorder recorder = new LatencyRecorder();
        long t0 = recorder.origin();
        for (int i = 1; i <= 100; i++) {
            recorder.record("login", t0 + i, t0 + i + i * 1_000_000L, true);
        }
        recorder.record("login", t0, t0 + 999_000_000L, false);

        LatencyRecorder.Summary summary = recorder.summary("login", 0, 1);
        assertEquals(101, summary.attempted());
        assertEquals(100, summary.succeeded());
        assertEquals(1, summary.failed());
        assertEquals(50.0, summary.p50());
        assertEquals(99.0, summary.p99());
        assertEquals(100.0, summary.max());
        assertEquals(100.0, summary.throughput());
    }

    @Test
    void timelineGroupsOperationsByTheIntervalTheyStartedIn() {
        LatencyRecorder recorder = new LatencyRecorder();
        long t0 = recorder.origin();
        recorder.record("refresh", t0 + 100_000_000L, t0 + 102_000_000L, true);
        recorder.record("refresh", t0 + 2_500_000_000L, t0 + 2_504_000_000L, true);
        recorder.record("refresh", t0 + 2_600_000_000L, t0 + 2_700_000_000L, false);

        List<LatencyRecorder.Bucket> buckets = recorder.timeline("refresh", 1);
        assertEquals(2, buckets.size());
        assertEquals(0.0, buckets.get(0).startSeconds());
        assertEquals(2.0, buckets.get(0).p99());
        assertEquals(2.0, buckets.get(1).startSeconds());
        assertEquals(1, buckets.get(1).succeeded());
        assertEquals(1, buckets.get(1).failed());
    }

    @Test
    void plotIsAPngOfTheRequestedSize(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("plot.png");
        new LatencyPlot("title", "s", "ms").logY()
                .series("p99", List.of(new double[] {0, 5}, new double[] {1, 50}, new double[] {2, Double.NaN}))
                .shade(0.5, 1.5, "Redis stopped").write(png);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1200, image.getWidth());
        assertTrue(image.getHeight() > 0);
    }
}
