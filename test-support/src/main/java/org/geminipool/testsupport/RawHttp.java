package org.geminipool.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for hostile-input tests: the request target goes out byte for byte as given (no client
 * normalises {@code ..}, re-encodes {@code %2F} or refuses {@code "}), and the connection is closed after one answer.
 */
public final class RawHttp {

    /** One answer: status, headers (lower-case names) and body as text. */
    public record Answer(int status, Map<String, String> headers, String body) {
    }

    private RawHttp() {
    }

    public static Answer get(int port, String target, Map<String, String> headers) {
        return send(port, "GET", target, headers, null);
    }

    /** Sends one request; {@code body} null sends none. Reads the answer until the server closes (30 s at most). */
    public static Answer send(int port, String method, String target, Map<String, String> headers, String body) {
        byte[] payload = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: 127.0.0.1:").append(port).append("\r\nConnection: close\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        if (payload != null) {
            head.append("Content-Length: ").append(payload.length).append("\r\n");
        }
        head.append("\r\n");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (payload != null) {
                out.write(payload);
            }
            out.flush();
            return parse(readAll(socket.getInputStream()));
        } catch (IOException e) {
            throw new UncheckedIOException("raw " + method + " " + target + " failed", e);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                all.write(buf, 0, n);
                if (all.size() > 16 * 1024 * 1024) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            // keep what arrived
        }
        return all.toByteArray();
    }

    static Answer parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.1 ") || end < 0) {
            throw new IllegalStateException("not an HTTP answer: " + text.substring(0, Math.min(200, text.length())));
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
        }
        String body = text.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = unchunk(body);
        }
        return new Answer(status, headers, body);
    }

    private static String unchunk(String body) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int nl = body.indexOf("\r\n", i);
            if (nl < 0) {
                break;
            }
            int size;
            try {
                size = Integer.parseInt(body.substring(i, nl).split(";")[0].trim(), 16);
            } catch (NumberFormatException e) {
                break;
            }
            if (size == 0) {
                break;
            }
            int start = nl + 2;
            // Sizes count bytes; the answers these tests read are ASCII JSON and HTML.
            out.append(body, start, Math.min(body.length(), start + size));
            i = start + size + 2;
        }
        return out.toString();
    }
}
