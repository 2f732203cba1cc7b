package dev.hotdata.local.http;

import com.sun.net.httpserver.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sends response header names in their canonical spelling ({@code Retry-After}, {@code
 * X-Total-Row-Count}, {@code Content-Type}, {@code ETag}) instead of the JDK server's ({@code
 * X-total-row-count}).
 *
 * <p>{@link Headers} folds every name to "first letter upper, the rest lower" before it stores it,
 * and the JDK server writes the stored names, including the {@code Content-length} and {@code Date}
 * it adds itself. No public API changes that, so the response {@code Headers}' store is swapped for
 * a map that keeps each name in canonical spelling. That needs {@code --add-opens
 * jdk.httpserver/com.sun.net.httpserver=ALL-UNNAMED} (the runnable jar's manifest and the build's
 * test JVMs carry it); without it the JDK spelling is sent (header names are case-insensitive, RFC
 * 9110 §5.1) and a note is logged once.
 */
final class CanonicalHeaders {
    private static final Logger LOG = LoggerFactory.getLogger(CanonicalHeaders.class);

    /** Names whose canonical spelling is not "each dash-separated word capitalised". */
    private static final Map<String, String> SPECIAL =
            Map.of("etag", "ETag", "www-authenticate", "WWW-Authenticate", "te", "TE");

    private static final Field MAP_FIELD = mapField();

    private CanonicalHeaders() {}

    private static Field mapField() {
        try {
            Field f = Headers.class.getDeclaredField("map");
            f.setAccessible(true);
            return f;
        } catch (NoSuchFieldException | RuntimeException e) {
            // InaccessibleObjectException (no --add-opens), or a JDK without the field
            LOG.info(
                    "Response header names are sent in the JDK's spelling (e.g. X-total-row-count):"
                            + " start the JVM with --add-opens"
                            + " jdk.httpserver/com.sun.net.httpserver=ALL-UNNAMED for the canonical"
                            + " one ({})",
                    e.toString());
            return null;
        }
    }

    /** Whether names are sent in canonical spelling in this JVM. */
    static boolean active() {
        return MAP_FIELD != null;
    }

    /**
     * Makes {@code headers} (a response's, before {@code sendResponseHeaders}) keep names in
     * canonical spelling, the ones already set included. A no-op when not {@link #active()}.
     */
    static void apply(Headers headers) {
        if (MAP_FIELD == null) {
            return;
        }
        try {
            Object current = MAP_FIELD.get(headers);
            if (current instanceof CanonicalMap) {
                return;
            }
            CanonicalMap m = new CanonicalMap();
            if (current instanceof Map) {
                @SuppressWarnings("unchecked")
                Map<String, List<String>> old = (Map<String, List<String>>) current;
                old.forEach(m::put);
            }
            MAP_FIELD.set(headers, m);
        } catch (IllegalAccessException | IllegalArgumentException e) {
            // leave the JDK's spelling
        }
    }

    /**
     * The canonical spelling of a header name: {@code x-total-row-count} → {@code
     * X-Total-Row-Count}.
     */
    static String canonical(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        String special = SPECIAL.get(lower);
        if (special != null) {
            return special;
        }
        char[] c = lower.toCharArray();
        boolean start = true;
        for (int i = 0; i < c.length; i++) {
            if (start && c[i] >= 'a' && c[i] <= 'z') {
                c[i] = (char) (c[i] - ('a' - 'A'));
            }
            start = c[i] == '-';
        }
        return new String(c);
    }

    /**
     * The store {@link Headers} writes through: every key it is given (already folded by {@code
     * Headers}) is kept in canonical spelling, and looked up the same way.
     */
    private static final class CanonicalMap extends HashMap<String, List<String>> {
        private static final long serialVersionUID = 1L;

        CanonicalMap() {
            super(32);
        }

        private static Object key(Object k) {
            return k instanceof String ? canonical((String) k) : k;
        }

        @Override
        public List<String> get(Object key) {
            return super.get(key(key));
        }

        @Override
        public boolean containsKey(Object key) {
            return super.containsKey(key(key));
        }

        @Override
        public List<String> put(String key, List<String> value) {
            return super.put(canonical(key), value);
        }

        @Override
        public List<String> remove(Object key) {
            return super.remove(key(key));
        }

        @Override
        public List<String> getOrDefault(Object key, List<String> defaultValue) {
            return super.getOrDefault(key(key), defaultValue);
        }

        @Override
        public List<String> putIfAbsent(String key, List<String> value) {
            return super.putIfAbsent(canonical(key), value);
        }
    }
}
