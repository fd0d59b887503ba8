package dev.idconsent.consent.admin;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.opencsv.CSVReader;
import com.opencsv.exceptions.CsvException;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rows of an import file, read one at a time as they arrive, so a large file never sits in memory: CSV with a
 * header line, or a JSON array of objects. Both name the same fields.
 */
abstract class ImportRows {
    static final List<String> FIELDS = List.of("user", "purpose", "channel", "state", "at", "source", "evidence",
            "version");
    static final Set<String> REQUIRED = Set.of("user", "purpose", "state", "at", "source");

    /** One row as it came; {@code problem} says why its shape is wrong (then the fields may be incomplete). */
    record Raw(Map<String, String> fields, String problem) {
        String get(String name) {
            return fields.get(name);
        }
    }

    /** The file cannot be read on from here (broken CSV quoting, broken JSON). */
    static final class Unreadable extends IOException {
        Unreadable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Reads what comes before the first row (the CSV header, the JSON array's start); refuses a wrong start. */
    static ImportRows open(InputStream body, String format) throws IOException {
        ImportRows rows = switch (format) {
            case "csv" -> new Csv(body);
            case "json" -> new Json(body);
            default -> throw new ConsentException(ErrorCode.INVALID_REQUEST, "format must be \"csv\" or \"json\", not '"
                    + format + "'");
        };
        rows.start();
        return rows;
    }

    abstract void start() throws IOException;

    /** @return the next row, {@code null} at the end */
    abstract Raw next() throws Unreadable;

    private static final class Csv extends ImportRows {
        private final CSVReader reader;
        private List<String> header;

        Csv(InputStream body) {
            this.reader = new CSVReader(new InputStreamReader(body, StandardCharsets.UTF_8));
        }

        @Override
        void start() throws IOException {
            String[] names;
            try {
                names = reader.readNext();
            } catch (CsvException e) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST, "the CSV header cannot be read: " + e.getMessage());
            }
            if (names == null) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST, "the file is empty; its first line names the"
                        + " columns: " + String.join(",", FIELDS));
            }
            header = new ArrayList<>();
            for (String name : names) {
                String column = name.trim().replace("\uFEFF", ""); // a spreadsheet's byte order mark
                if (!FIELDS.contains(column)) {
                    throw new ConsentException(ErrorCode.INVALID_REQUEST, "unknown column '" + column + "'; the"
                            + " columns are " + String.join(", ", FIELDS));
                }
                if (header.contains(column)) {
                    throw new ConsentException(ErrorCode.INVALID_REQUEST, "column '" + column + "' appears twice");
                }
                header.add(column);
            }
            for (String required : REQUIRED) {
                if (!header.contains(required)) {
                    throw new ConsentException(ErrorCode.INVALID_REQUEST, "the column '" + required + "' is missing"
                            + " (required: " + String.join(", ", FIELDS.stream().filter(REQUIRED::contains).toList())
                            + ")");
                }
            }
        }

        @Override
        Raw next() throws Unreadable {
            String[] cells;
            try {
                cells = reader.readNext();
            } catch (CsvException | IOException e) {
                throw new Unreadable("the CSV cannot be read on: " + e.getMessage(), e);
            }
            if (cells == null) {
                return null;
            }
            Map<String, String> fields = new HashMap<>();
            for (int i = 0; i < Math.min(cells.length, header.size()); i++) {
                fields.put(header.get(i), cells[i]);
            }
            return new Raw(fields, cells.length == header.size() ? null
                    : "the line has " + cells.length + " cells, the header " + header.size());
        }
    }

    private static final class Json extends ImportRows {
        private static final ObjectMapper MAPPER = org.keycloak.util.JsonSerialization.mapper;
        private final InputStream body;
        private JsonParser parser;

        Json(InputStream body) {
            this.body = body;
        }

        @Override
        void start() throws IOException {
            parser = MAPPER.getFactory().createParser(body);
            try {
                if (parser.nextToken() != JsonToken.START_ARRAY) {
                    throw new ConsentException(ErrorCode.INVALID_REQUEST, "the body must be a JSON array of rows");
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new ConsentException(ErrorCode.INVALID_REQUEST, "the body is not JSON: "
                        + e.getOriginalMessage());
            }
        }

        @Override
        Raw next() throws Unreadable {
            try {
                JsonToken token = parser.nextToken();
                if (token == null || token == JsonToken.END_ARRAY) {
                    return null;
                }
                JsonNode node = parser.readValueAsTree();
                if (!node.isObject()) {
                    return new Raw(Map.of(), "a row must be an object");
                }
                Map<String, String> fields = new HashMap<>();
                String problem = null;
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    JsonNode value = field.getValue();
                    if (!FIELDS.contains(field.getKey())) {
                        problem = "unknown field \"" + field.getKey() + "\"";
                    } else if (!value.isNull() && !value.isTextual()
                            && !(field.getKey().equals("version") && value.canConvertToInt() && value.isIntegralNumber())) {
                        problem = "\"" + field.getKey() + "\" must be a string";
                    } else if (!value.isNull()) {
                        fields.put(field.getKey(), value.asText());
                    }
                }
                return new Raw(fields, problem);
            } catch (IOException e) {
                throw new Unreadable("the JSON cannot be read on: " + e.getMessage(), e);
            }
        }
    }
}
