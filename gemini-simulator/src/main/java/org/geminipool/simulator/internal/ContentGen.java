package org.geminipool.simulator.internal;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Deterministic content: the same request always gets the same text, token counts, vectors and images.
 * Token counts use Google's rule of thumb ("a token is about 4 characters", ai.google.dev/gemini-api/docs/tokens);
 * an inline image counts 258 tokens and a generated image 1290, as the same page states.
 */
public final class ContentGen {

    public static final int IMAGE_INPUT_TOKENS = 258;
    public static final int IMAGE_OUTPUT_TOKENS = 1290;
    /** Audio is 32 tokens per second (ai.google.dev/gemini-api/docs/tokens); the simulated clip is one second. */
    public static final int AUDIO_OUTPUT_TOKENS = 32;

    private static final String[] WORDS = {
        "the", "simulated", "model", "considers", "your", "request", "carefully", "and", "answers", "with",
        "plain", "deterministic", "text", "so", "that", "tests", "can", "rely", "on", "every", "token",
        "quota", "window", "project", "gateway", "stream", "chunk", "response", "pool", "key", "minute",
        "day", "pacific", "midnight", "budget", "thinking", "usage", "metadata", "candidate", "finish",
        "reason", "content", "part", "role", "is", "a", "of", "to", "in", "for", "it", "this", "result",
        "clear", "useful", "short", "example", "value", "reply"
    };

    private ContentGen() {
    }

    /** 64-bit FNV-1a. */
    public static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return h;
    }

    public static int tokens(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        int cp = text.codePointCount(0, text.length());
        return Math.max(1, (cp + 3) / 4);
    }

    /** The reply text for a prompt: a fixed lead-in quoting the start of the last user text, then seeded words. */
    public static String reply(String model, String lastUserText, String wholePrompt) {
        long h = hash(model + "\u0000" + wholePrompt);
        Random r = new Random(h);
        String quote = lastUserText == null ? "" : lastUserText.strip().replaceAll("\\s+", " ");
        if (quote.length() > 48) {
            quote = quote.substring(0, 48) + "…";
        }
        StringBuilder b = new StringBuilder("Simulated reply to \"").append(quote).append("\":");
        int n = 12 + r.nextInt(48);
        for (int i = 0; i < n; i++) {
            b.append(' ').append(WORDS[r.nextInt(WORDS.length)]);
            if (i % 11 == 10 && i + 1 < n) {
                b.append('.');
            }
        }
        return b.append('.').toString();
    }

    /** Thought tokens the model "spent": a budget > 0 caps them; -1/absent means dynamic. */
    public static int thoughts(String wholePrompt, Integer budget) {
        int natural = 64 + (int) Math.floorMod(hash("thoughts\u0000" + wholePrompt), 400L);
        if (budget != null && budget > 0) {
            return Math.min(budget, natural);
        }
        return natural;
    }

    public static String thoughtSummary(String lastUserText) {
        return "**Considering the request**\n\nI am working out a deterministic answer to the user's message.";
    }

    /** Splits text into stream chunks of a few words each (at least one chunk). */
    public static List<String> chunks(String text, int wordsPerChunk) {
        List<String> out = new ArrayList<>();
        if (text.isEmpty()) {
            out.add("");
            return out;
        }
        String[] words = text.split("(?<= )");
        StringBuilder cur = new StringBuilder();
        int n = 0;
        for (String w : words) {
            cur.append(w);
            if (++n == wordsPerChunk) {
                out.add(cur.toString());
                cur.setLength(0);
                n = 0;
            }
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }

    /**
     * A unit vector of {@code fullDims} derived from the text, truncated to {@code dims}. Like gemini-embedding-001
     * (ai.google.dev/gemini-api/docs/embeddings), only the full-size vector is normalized; truncated ones are not.
     */
    public static float[] embedding(String model, String text, String taskType, int fullDims, int dims) {
        Random r = new Random(hash(model + "\u0000" + (taskType == null ? "" : taskType) + "\u0000" + text));
        double[] v = new double[fullDims];
        double norm = 0;
        for (int i = 0; i < fullDims; i++) {
            v[i] = r.nextGaussian();
            norm += v[i] * v[i];
        }
        norm = Math.sqrt(norm);
        float[] out = new float[dims];
        for (int i = 0; i < dims; i++) {
            out[i] = (float) (v[i] / norm);
        }
        return out;
    }

    /** One second of deterministic 16-bit mono PCM at 24 kHz (a quiet tone pitched by the text), base64. */
    public static String pcmBase64(String text) {
        int rate = 24_000;
        double freq = 200 + Math.floorMod(hash(text == null ? "" : text), 400L);
        byte[] pcm = new byte[rate * 2];
        for (int i = 0; i < rate; i++) {
            short v = (short) (Math.sin(2 * Math.PI * freq * i / rate) * 2000);
            pcm[2 * i] = (byte) (v & 0xff);
            pcm[2 * i + 1] = (byte) ((v >> 8) & 0xff);
        }
        return Base64.getEncoder().encodeToString(pcm);
    }

    /** A small deterministic PNG (64x64, colours from the prompt), base64. */
    public static String pngBase64(String prompt) {
        long h = hash(prompt);
        int c1 = (int) (h & 0xffffff);
        int c2 = (int) ((h >>> 24) & 0xffffff);
        BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, ((x / 8 + y / 8) % 2 == 0) ? c1 : c2);
            }
        }
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", bos);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bos.toByteArray());
    }

    /** A response id like Google's (22 base64url characters), unique per answer. */
    public static String responseId(long seq, String seed) {
        Random r = new Random(hash(seed) ^ (seq * 0x9E3779B97F4A7C15L));
        byte[] b = new byte[16];
        r.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
