package org.slmlab.kernel.display;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import tech.tablesaw.api.Table;

import javax.imageio.ImageIO;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * Turns a cell's value into what Jupyter shows: every value has a text/plain form; Tablesaw tables add
 * text/html, XChart charts and images add image/png (which is what ends up in the saved notebook).
 */
public final class ValueRenderer {

    private ValueRenderer() {
    }

    public static DisplayData render(Object value) {
        return switch (value) {
            case DisplayData data -> data;
            case Table table -> {
                DisplayData data = new DisplayData(table.print());
                data.putHTML(TableView.html(table));
                yield data;
            }
            case Chart<?, ?> chart -> png(BitmapEncoder.getBufferedImage(chart),
                    chart.getClass().getSimpleName() + " \"" + chart.getTitle() + "\" ("
                            + chart.getWidth() + "×" + chart.getHeight() + ")");
            case RenderedImage image -> png(image,
                    image.getClass().getSimpleName() + " " + image.getWidth() + "×" + image.getHeight());
            case null, default -> new DisplayData(TextValue.of(value));
        };
    }

    private static DisplayData png(RenderedImage image, String description) {
        DisplayData data = new DisplayData(description);
        data.putData("image/png", Base64.getEncoder().encodeToString(pngBytes(image)));
        return data;
    }

    static byte[] pngBytes(RenderedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode the image as PNG", e);
        }
        return bytes.toByteArray();
    }
}
