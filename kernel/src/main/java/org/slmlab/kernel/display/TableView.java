package org.slmlab.kernel.display;

import tech.tablesaw.api.Table;

/**
 * A Tablesaw table as an HTML table for the notebook (with the shape in its caption, and only the first and
 * last rows of a long table), beside Tablesaw's own text rendering for plain-text front ends.
 */
public final class TableView {

    /** Tables longer than this show their first {@value #HEAD} and last {@value #TAIL} rows. */
    static final int MAX_ROWS = 60;
    static final int HEAD = 50;
    static final int TAIL = 10;

    private TableView() {
    }

    public static String html(Table table) {
        StringBuilder out = new StringBuilder("<table>\n<caption style=\"caption-side: top; text-align: left\">");
        if (table.name() != null && !table.name().isBlank()) {
            out.append("<b>").append(escape(table.name())).append("</b> · ");
        }
        out.append(table.rowCount()).append(table.rowCount() == 1 ? " row × " : " rows × ")
                .append(table.columnCount()).append(table.columnCount() == 1 ? " column" : " columns")
                .append("</caption>\n<thead><tr>");
        for (String name : table.columnNames()) {
            out.append("<th>").append(escape(name)).append("</th>");
        }
        out.append("</tr></thead>\n<tbody>\n");
        int rows = table.rowCount();
        boolean cut = rows > MAX_ROWS;
        for (int r = 0; r < rows; r++) {
            if (cut && r == HEAD) {
                out.append("<tr>").append("<td>…</td>".repeat(table.columnCount())).append("</tr>\n");
                r = rows - TAIL;
            }
            out.append("<tr>");
            for (int c = 0; c < table.columnCount(); c++) {
                out.append("<td>").append(escape(table.getString(r, c))).append("</td>");
            }
            out.append("</tr>\n");
        }
        return out.append("</tbody>\n</table>").toString();
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
