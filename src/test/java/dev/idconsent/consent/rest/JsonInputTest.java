package dev.idconsent.consent.rest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.idconsent.consent.ChangeRequest;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("Request bodies are read into records strictly")
class JsonInputTest {
    record Body(String name, Boolean flag, Integer count, Long seconds, List<String> names, String note) {
    }

    private static ConsentException refusal(String json) {
        return catchThrowableOfType(ConsentException.class, () -> JsonInput.read(json, Body.class, "a body"));
    }

    @Test
    @DisplayName("given a well-formed body, then every field arrives with its type")
    void reads() {
        Body body = JsonInput.read("{\"name\": \"n\", \"flag\": true, \"count\": 3, \"seconds\": 99999999999,"
                + " \"names\": [\"a\", \"b\"], \"note\": \"x\"}", Body.class, "a body");
        assertThat(body).isEqualTo(new Body("n", true, 3, 99_999_999_999L, List.of("a", "b"), "x"));
    }

    @Test
    @DisplayName("given a field left out or sent as null, then the two can be told apart where it matters")
    void absentAndNull() {
        var absent = JsonInput.readGiven("{\"name\": \"n\"}", Body.class, "a body", null);
        var sentAsNull = JsonInput.readGiven("{\"name\": \"n\", \"note\": null}", Body.class, "a body", null);
        assertThat(absent.value()).isEqualTo(sentAsNull.value());
        assertThat(absent.fields()).containsExactly("name");
        assertThat(sentAsNull.fields()).containsExactlyInAnyOrder("name", "note");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"flag\": \"true\"}      | \"flag\" must be true or false, not \"true\"",
            "{\"flag\": 1}             | \"flag\" must be true or false, not 1",
            "{\"count\": 1.5}          | \"count\" must be a whole number, not 1.5",
            "{\"count\": \"1\"}        | \"count\" must be a whole number, not \"1\"",
            "{\"count\": \"\"}         | \"count\" must be a whole number",
            "{\"count\": true}         | \"count\" must be a whole number",
            "{\"name\": 1}             | \"name\" must be a string, not 1",
            "{\"name\": false}         | \"name\" must be a string",
            "{\"name\": []}            | \"name\" must be a string",
            "{\"name\": {}}            | \"name\" must be a string",
            "{\"names\": \"a\"}        | \"names\" must be an array",
            "{\"names\": {}}           | \"names\" must be an array",
            "{\"names\": [1]}          | \"names[0]\" must be a string, not 1",
    })
    @DisplayName("given a value of the wrong type, then invalid_value names the field and the value")
    void wrongType(String json, String message) {
        ConsentException e = refusal(json);
        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_VALUE);
        assertThat(e.getMessage()).startsWith(message);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"zzz\": 1}                      | unknown field 'zzz' in a body (allowed: count, flag, name, names, note, seconds)",
            "{\"name\": \"a\", \"name\": \"b\"} | not valid JSON: Duplicate field 'name'",
            "{\"name\": \"a\"} {}               | not valid JSON",
            "{\"name\": \"a\"} garbage          | not valid JSON",
            "[]                                 | must be a JSON object",
            "null                               | must be a JSON object",
            "\"text\"                           | must be a JSON object",
            "42                                 | must be a JSON object",
            "{\"count\": 99999999999}           | out of range",
    })
    @DisplayName("given unknown or repeated fields, trailing content or no object, then invalid_request")
    void malformed(String json, String message) {
        ConsentException e = refusal(json);
        assertThat(e.code()).isIn(ErrorCode.INVALID_REQUEST, ErrorCode.INVALID_VALUE);
        assertThat(e.getMessage()).contains(message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{"})
    @DisplayName("given an empty or broken body, then invalid_request")
    void empty(String json) {
        assertThat(refusal(json).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    }

    @Test
    @DisplayName("given choices with an unknown field inside one, then the message says where")
    void nested() {
        ConsentException e = catchThrowableOfType(ConsentException.class, () -> JsonInput.read(
                "{\"choices\": [{\"purpose\": \"a\", \"granted\": true, \"colour\": 1}]}", JsonInput.Choices.class,
                "the request"));
        assertThat(e.getMessage()).isEqualTo("unknown field 'colour' in choices[0] (allowed: channel, frequency,"
                + " granted, pauseDays, purpose, version)");
        ConsentException type = catchThrowableOfType(ConsentException.class, () -> JsonInput.read(
                "{\"choices\": [{\"purpose\": \"a\", \"granted\": \"yes\"}]}", JsonInput.Choices.class, "the request"));
        assertThat(type.getMessage()).isEqualTo("\"choices[0].granted\" must be true or false, not \"yes\"");
    }

    @Test
    @DisplayName("given choices, then each must be an object naming its purpose, at least one and at most 1000")
    void choices() {
        assertThat(JsonInput.read("{\"choices\": [{\"purpose\": \"a\", \"channel\": \"email\", \"granted\": false,"
                + " \"version\": 2}]}", JsonInput.Choices.class, "the request").changes())
                .containsExactly(new ChangeRequest("a", "email", false, 2));
        for (String json : List.of("{}", "{\"choices\": []}", "{\"choices\": [null]}", "{\"choices\": [{}]}",
                "{\"choices\": [" + "{\"purpose\": \"a\"},".repeat(1000) + "{\"purpose\": \"a\"}]}")) {
            ConsentException e = catchThrowableOfType(ConsentException.class, () -> JsonInput.read(json,
                    JsonInput.Choices.class, "the request").changes());
            assertThat(e).as(json.length() > 80 ? "1001 choices" : json).isNotNull();
            assertThat(e.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        }
        ConsentException e = catchThrowableOfType(ConsentException.class, () -> JsonInput.read(
                "{\"choices\": [\"a\"]}", JsonInput.Choices.class, "the request"));
        assertThat(e.getMessage()).startsWith("\"choices[0]\" must be an object");
    }
}
