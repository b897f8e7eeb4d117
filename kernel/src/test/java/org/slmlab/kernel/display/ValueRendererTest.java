package org.slmlab.kernel.display;

import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.dflib.jjava.jupyter.kernel.display.mime.MIMEType;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ValueRendererTest {

    private static String text(DisplayData data) {
        return (String) data.getData(MIMEType.TEXT_PLAIN);
    }

    private static BufferedImage png(DisplayData data) throws IOException {
        String base64 = (String) data.getData(MIMEType.parse("image/png"));
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
    }

    @Test
    void plainValuesAreTextLikeJshellPrintsThem() {
        assertEquals("42", text(ValueRenderer.render(42)));
        assertEquals("null", text(ValueRenderer.render(null)));
        assertEquals("\"a\\\"b\\n\"", text(ValueRenderer.render("a\"b\n")));
        assertEquals("'x'", text(ValueRenderer.render('x')));
        assertEquals("int[3] { 1, 2, 3 }", text(ValueRenderer.render(new int[]{1, 2, 3})));
        assertEquals("String[1][] { String[1] { \"s\" } }", text(ValueRenderer.render(new String[][]{{"s"}})));
        assertEquals("int[0] {}", text(ValueRenderer.render(new int[0])));
    }

    @Test
    void longArraysShowTheirFirstElements() {
        String shown = text(ValueRenderer.render(new float[1000]));
        assertTrue(shown.startsWith("float[1000] { 0.0, 0.0"), shown);
        assertTrue(shown.endsWith(", … (" + (1000 - TextValue.MAX_ELEMENTS) + " more) }"), shown);
    }

    @Test
    void tablesAreHtmlWithATextFallback() {
        Table t = Table.create("sizes",
                StringColumn.create("model", "Qwen3-0.6B", "a<b"),
                DoubleColumn.create("gb", 1.2, 0.35));
        DisplayData data = ValueRenderer.render(t);
        String html = (String) data.getData(MIMEType.TEXT_HTML);
        assertTrue(html.contains("<th>model</th><th>gb</th>"), html);
        assertTrue(html.contains("<td>Qwen3-0.6B</td><td>1.2</td>"), html);
        assertTrue(html.contains("<td>a&lt;b</td>"), html);
        assertTrue(html.contains("2 rows × 2 columns"), html);
        assertTrue(text(data).contains("Qwen3-0.6B"), text(data));
    }

    @Test
    void longTablesShowHeadAndTail() {
        Table t = Table.create("n", DoubleColumn.create("i", IntStream.range(0, 1000).asDoubleStream().toArray()));
        String html = (String) ValueRenderer.render(t).getData(MIMEType.TEXT_HTML);
        assertEquals(TableView.HEAD + TableView.TAIL + 1 + 1, html.split("<tr>", -1).length - 1, "head + tail + … + header rows");
        assertTrue(html.contains("<td>49</td>") && html.contains("<td>…</td>") && html.contains("<td>999</td>"));
        assertFalse(html.contains("<td>50</td>"));
    }

    @Test
    void chartsArePngImagesOfTheirSize() throws IOException {
        XYChart chart = new XYChartBuilder().width(320).height(200).title("error vs bits").build();
        chart.addSeries("rmse", new double[]{4, 5, 8}, new double[]{0.1, 0.05, 0.01});
        DisplayData data = ValueRenderer.render(chart);
        BufferedImage image = png(data);
        assertEquals(320, image.getWidth());
        assertEquals(200, image.getHeight());
        assertEquals("XYChart \"error vs bits\" (320×200)", text(data));
    }

    @Test
    void imagesArePngWithTheSamePixels() throws IOException {
        BufferedImage image = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        image.setRGB(2, 1, 0x12ab34);
        BufferedImage back = png(ValueRenderer.render(image));
        assertEquals(3, back.getWidth());
        assertEquals(0x12ab34, back.getRGB(2, 1) & 0xffffff);
    }
}
