package dev.hotdata.local.api;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Shared JSON helpers; request bodies are read as trees so unknown fields are ignored. */
public final class Json {
    /** Mapper for the persisted state: public fields, unknown fields ignored. */
    public static final ObjectMapper MAPPER =
            new ObjectMapper()
                    .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                    .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                    .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.PUBLIC_ONLY)
                    .setSerializationInclusion(JsonInclude.Include.ALWAYS);

    private Json() {}

    public static ObjectNode obj() {
        return JsonNodeFactory.instance.objectNode();
    }

    public static ArrayNode arr() {
        return JsonNodeFactory.instance.arrayNode();
    }

    public static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String string(Object node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Parses a request body; an empty body is an empty object. */
    public static JsonNode parseBody(byte[] body) {
        if (body == null || body.length == 0) {
            return obj();
        }
        try {
            JsonNode node = MAPPER.readTree(new String(body, StandardCharsets.UTF_8));
            if (node == null || node.isNull() || node.isMissingNode()) {
                return obj();
            }
            if (!node.isObject()) {
                throw ApiException.badRequest("BAD_REQUEST", "request body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw ApiException.badRequest("BAD_REQUEST", "malformed JSON body: " + e.getMessage());
        }
    }

    public static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An optional string field; null when absent or JSON null; 400 when another type. */
    public static String optString(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest("BAD_REQUEST", "'" + field + "' must be a string");
        }
        return n.asText();
    }

    public static Long optLong(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber()) {
            throw ApiException.badRequest("BAD_REQUEST", "'" + field + "' must be an integer");
        }
        return n.asLong();
    }

    public static boolean optBool(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return false;
        }
        if (!n.isBoolean()) {
            throw ApiException.badRequest("BAD_REQUEST", "'" + field + "' must be a boolean");
        }
        return n.asBoolean();
    }

    /** An optional array of strings; null when absent. */
    public static List<String> optStringList(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isArray()) {
            throw ApiException.badRequest("BAD_REQUEST", "'" + field + "' must be an array");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw ApiException.badRequest(
                        "BAD_REQUEST", "'" + field + "' must be an array of strings");
            }
            out.add(e.asText());
        }
        return out;
    }

    public static JsonNode nullNode() {
        return NullNode.getInstance();
    }
}
