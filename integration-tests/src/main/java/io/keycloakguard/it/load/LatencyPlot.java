package io.keycloakguard.it.load;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A line chart written as PNG with plain Java2D (no plotting library): series of (x, y) points, optional shaded
 * x-intervals with a label (fault windows), linear or logarithmic y axis.
 */
public final class LatencyPlot {

    private record Series(String name, List<double[]> points, Color color) {
    }

    private record Shade(double from, double to, String label) {
    }

    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)};

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<Series> series = new ArrayList<>();
    private final List<Shade> shades = new ArrayList<>();
    private boolean logY;

    public LatencyPlot(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public LatencyPlot logY() {
        this.logY = true;
        return this;
    }

    /** Points as {x, y}; NaN or (on a log axis) non-positive y values are skipped. */
    public LatencyPlot series(String name, List<double[]> points) {
        series.add(new Series(name, List.copyOf(points), PALETTE[series.size() % PALETTE.length]));
        return this;
    }

    public LatencyPlot shade(double fromX, double toX, String label) {
        shades.add(new Shade(fromX, toX, label));
        return this;
    }

    public void write(Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int width = 1200;
        int height = 600;
        int left = 80;
        int right = 30;
        int top = 50;
        int bottom = 110;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);

        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        for (Series s : series) {
            for (double[] p : s.points()) {
                if (!plottable(p[1])) {
                    continue;
                }
                minX = Math.min(minX, p[0]);
                maxX = Math.max(maxX, p[0]);
                minY = Math.min(minY, p[1]);
                maxY = Math.max(maxY, p[1]);
            }
        }
        for (Shade s : shades) {
            minX = Math.min(minX, s.from());
            maxX = Math.max(maxX, s.to());
        }
        if (minX > maxX) {
            minX = 0;
            maxX = 1;
        }
        if (minY > maxY) {
            minY = logY ? 1 : 0;
            maxY = minY * 10;
        }
        if (logY) {
            minY = Math.pow(10, Math.floor(Math.log10(minY)));
            maxY = Math.pow(10, Math.ceil(Math.log10(maxY)));
            if (maxY <= minY) {
                maxY = minY * 10;
            }
        } else {
            minY = 0;
            maxY = niceCeiling(maxY);
        }
        if (maxX <= minX) {
            maxX = minX + 1;
        }
        Scale sx = new Scale(minX, maxX, left, width - right, false);
        Scale sy = new Scale(minY, maxY, height - bottom, top, logY);

        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        g.setFont(small);
        FontMetrics fm = g.getFontMetrics();
        for (Shade s : shades) {
            int x0 = sx.at(s.from());
            int x1 = sx.at(s.to());
            g.setColor(new Color(255, 200, 0, 60));
            g.fillRect(x0, top, Math.max(1, x1 - x0), height - bottom - top);
            g.setColor(new Color(120, 90, 0));
            g.drawString(s.label(), x0 + 3, top + 14);
        }

        g.setColor(new Color(225, 225, 225));
        List<Double> yTicks = logY ? logTicks(minY, maxY) : linearTicks(minY, maxY);
        for (double y : yTicks) {
            g.drawLine(left, sy.at(y), width - right, sy.at(y));
        }
        List<Double> xTicks = linearTicks(minX, maxX);
        for (double x : xTicks) {
            g.drawLine(sx.at(x), top, sx.at(x), height - bottom);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawRect(left, top, width - left - right, height - top - bottom);
        for (double y : yTicks) {
            String label = format(y);
            g.drawString(label, left - 6 - fm.stringWidth(label), sy.at(y) + fm.getAscent() / 2 - 1);
        }
        for (double x : xTicks) {
            String label = format(x);
            g.drawString(label, sx.at(x) - fm.stringWidth(label) / 2, height - bottom + fm.getAscent() + 4);
        }
        g.drawString(xLabel, left + (width - left - right - fm.stringWidth(xLabel)) / 2, height - bottom + 2 * fm.getHeight() + 6);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString(yLabel, -(top + (height - top - bottom + fm.stringWidth(yLabel)) / 2), 20);
        rotated.dispose();
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, left, 30);

        g.setStroke(new BasicStroke(1.6f));
        for (Series s : series) {
            g.setColor(s.color());
            int[] previous = null;
            for (double[] p : s.points()) {
                if (!plottable(p[1])) {
                    previous = null;
                    continue;
                }
                int[] point = {sx.at(p[0]), sy.at(p[1])};
                if (previous != null) {
                    g.drawLine(previous[0], previous[1], point[0], point[1]);
                } else {
                    g.fillOval(point[0] - 2, point[1] - 2, 4, 4);
                }
                previous = point;
            }
        }

        g.setFont(small);
        int legendX = left;
        int legendY = height - 30;
        for (Series s : series) {
            g.setColor(s.color());
            g.fillRect(legendX, legendY - 9, 18, 4);
            g.setColor(Color.DARK_GRAY);
            g.drawString(s.name(), legendX + 24, legendY - 3);
            legendX += 24 + fm.stringWidth(s.name()) + 24;
        }
        g.dispose();
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(image, "png", png.toFile());
    }

    private boolean plottable(double y) {
        return !Double.isNaN(y) && !Double.isInfinite(y) && (!logY || y > 0);
    }

    private record Scale(double min, double max, int from, int to, boolean log) {
        int at(double v) {
            double f = log ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) : (v - min) / (max - min);
            return (int) Math.round(from + f * (to - from));
        }
    }

    private static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static List<Double> linearTicks(double min, double max) {
        double step = niceCeiling((max - min) / 8);
        List<Double> ticks = new ArrayList<>();
        for (double t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) {
            ticks.add(t);
        }
        return ticks;
    }

    private static List<Double> logTicks(double min, double max) {
        List<Double> ticks = new ArrayList<>();
        for (double t = min; t <= max * 1.0001; t *= 10) {
            ticks.add(t);
        }
        return ticks;
    }

    private static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return String.valueOf((long) v);
        }
        return Math.abs(v) >= 1 ? String.format("%.1f", v) : String.format("%.2g", v);
    }
}
