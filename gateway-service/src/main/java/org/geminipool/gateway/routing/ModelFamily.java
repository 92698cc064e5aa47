package org.geminipool.gateway.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A model ID read as family, version and stage (design §5 note): {@code gemini-3.5-flash-lite} is family
 * {@code flash-lite}, version 3.5, stable; {@code gemini-3.1-pro-preview} is {@code pro} 3.1 preview;
 * {@code gemini-3.1-pro-preview-customtools} is {@code pro-customtools}; {@code gemini-embedding-001} is
 * {@code embedding} 1; {@code gemini-flash-latest} is Google's alias for the family {@code flash}. A family resolves
 * to its newest stable ID, a preview only when no stable one is listed, the {@code -latest} alias only when neither is.
 */
public record ModelFamily(String id, String family, List<Integer> version, boolean preview, boolean latestAlias) {

    public static final Pattern FAMILY_NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+)*");
    private static final Pattern LATEST = Pattern.compile("(gemini|gemma)-([a-z0-9-]+)-latest");
    private static final List<String> STAGES = List.of("preview", "exp", "experimental");

    /** The family reading of {@code id} ({@code models/} prefix allowed); empty when it is not a Gemini/Gemma ID. */
    public static Optional<ModelFamily> parse(String id) {
        if (id == null) {
            return Optional.empty();
        }
        String bare = (id.startsWith("models/") ? id.substring(7) : id).toLowerCase(Locale.ROOT);
        Matcher latest = LATEST.matcher(bare);
        if (latest.matches()) {
            return Optional.of(new ModelFamily(bare, latest.group(2), List.of(), false, true));
        }
        String[] tokens = bare.split("-");
        if (tokens.length < 2 || !(tokens[0].equals("gemini") || tokens[0].equals("gemma"))) {
            return Optional.empty();
        }
        List<Integer> version = null;
        boolean preview = false;
        List<String> name = new ArrayList<>();
        for (int i = 1; i < tokens.length; i++) {
            String t = tokens[i];
            if (VERSION.matcher(t).matches()) {
                if (version == null) {
                    version = numbers(t);
                }
                continue; // later numbers are dates or revisions (preview-09-2025, -001 suffixes)
            }
            if (STAGES.contains(t)) {
                preview = true;
                continue;
            }
            if (t.matches("[a-z0-9]+")) {
                name.add(t);
            }
        }
        if (name.isEmpty()) {
            return Optional.empty();
        }
        String family = (tokens[0].equals("gemma") ? "gemma-" : "") + String.join("-", name);
        return Optional.of(new ModelFamily(bare, family, version == null ? List.of() : version, preview, false));
    }

    /** The ID {@code family} resolves to among {@code ids} (the upstream's models list); empty when none is listed. */
    public static Optional<String> resolve(String family, List<String> ids) {
        List<ModelFamily> members = ids.stream().map(ModelFamily::parse).flatMap(Optional::stream)
                .filter(f -> f.family().equals(family)).toList();
        Comparator<ModelFamily> newest = Comparator.comparing(ModelFamily::version, ModelFamily::compareVersions)
                .thenComparing(f -> !f.preview()).thenComparing(ModelFamily::id, Comparator.reverseOrder());
        Optional<ModelFamily> stable = members.stream().filter(f -> !f.latestAlias() && !f.preview()).max(newest);
        if (stable.isPresent()) {
            return stable.map(ModelFamily::id);
        }
        Optional<ModelFamily> preview = members.stream().filter(f -> !f.latestAlias()).max(newest);
        if (preview.isPresent()) {
            return preview.map(ModelFamily::id);
        }
        return members.stream().filter(ModelFamily::latestAlias).findFirst().map(ModelFamily::id);
    }

    static int compareVersions(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
            int x = i < a.size() ? a.get(i) : 0;
            int y = i < b.size() ? b.get(i) : 0;
            if (x != y) {
                return Integer.compare(x, y);
            }
        }
        return 0;
    }

    private static List<Integer> numbers(String v) {
        List<Integer> out = new ArrayList<>();
        for (String p : v.split("\\.")) {
            try {
                out.add(Integer.parseInt(p.length() > 6 ? p.substring(0, 6) : p));
            } catch (NumberFormatException e) {
                out.add(0);
            }
        }
        return out;
    }
}
