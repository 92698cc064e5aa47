package org.geminipool.usage.rest;

import org.geminipool.usage.service.Counters;
import org.geminipool.usage.service.UsageReports;

import java.util.List;

/** RFC 4180 CSV (CRLF line ends, header row, fields with , " CR LF quoted and quotes doubled). */
public final class Csv {

    private Csv() {
    }

    public static String daily(UsageReports.Daily report) {
        StringBuilder out = header("date", "keyId", "model");
        for (var row : report.rows()) {
            line(out, List.of(report.date().toString(), row.keyId(), row.model()), row.counters());
        }
        return out.toString();
    }

    public static String clients(UsageReports.Clients report) {
        StringBuilder out = header("date", "clientTokenId", "model");
        for (var row : report.rows()) {
            line(out, List.of(report.date().toString(), row.clientTokenId(), row.model()), row.counters());
        }
        return out.toString();
    }

    public static String summary(UsageReports.Summary report) {
        StringBuilder out = header("date");
        for (var row : report.days()) {
            line(out, List.of(row.date().toString()), row.counters());
        }
        return out.toString();
    }

    public static String hourly(UsageReports.Hourly report) {
        StringBuilder out = header("hour");
        for (var row : report.rows()) {
            line(out, List.of(row.hour().toString()), row.counters());
        }
        return out.toString();
    }

    public static String routes(UsageReports.Routes report) {
        StringBuilder out = header("date", "route", "target");
        for (var row : report.rows()) {
            line(out, java.util.Arrays.asList(report.date().toString(), row.route(), row.target()), row.counters());
        }
        return out.toString();
    }

    private static StringBuilder header(String... leading) {
        StringBuilder out = new StringBuilder();
        for (String name : leading) {
            out.append(escape(name)).append(',');
        }
        out.append(String.join(",", Counters.NAMES)).append("\r\n");
        return out;
    }

    private static void line(StringBuilder out, List<String> leading, Counters counters) {
        for (String field : leading) {
            out.append(escape(field)).append(',');
        }
        long[] values = counters.values();
        for (int i = 0; i < values.length; i++) {
            out.append(i == 0 ? "" : ",").append(values[i]);
        }
        out.append("\r\n");
    }

    static String escape(String field) {
        if (field == null) {
            return "";
        }
        if (field.indexOf(',') >= 0 || field.indexOf('"') >= 0 || field.indexOf('\n') >= 0 || field.indexOf('\r') >= 0) {
            return '"' + field.replace("\"", "\"\"") + '"';
        }
        return field;
    }
}
