package dev.idconsent.consent.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idconsent.consent.admin.AdminConsentResource;
import dev.idconsent.consent.admin.AdminConsentResourceProviderFactory;
import dev.idconsent.consent.rest.UserConsentResource;
import dev.idconsent.consent.rest.UserConsentResourceProviderFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import jakarta.ws.rs.HttpMethod;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code docs/openapi.yaml} against the plugin: the routes of its JAX-RS classes (by reflection) and the answers of
 * the running server (validated with the spec's own schemas, OpenAPI 3.1 dialect = JSON Schema 2020-12).
 */
@ExtendWith(KeycloakExtension.class)
@DisplayName("OpenAPI description: docs/openapi.yaml is what the server implements and answers")
class OpenApiIT {
    static final Path SPEC_FILE = Path.of("docs", "openapi.yaml");
    /** Where the spec is registered for the validator, so $refs into components resolve. Never fetched. */
    static final String SPEC_URI = "https://idconsent.invalid/openapi.json";
    static final String USER_ROOT = "/realms/{realm}/" + UserConsentResourceProviderFactory.PROVIDER_ID;
    static final String ADMIN_ROOT = "/admin/realms/{realm}/" + AdminConsentResourceProviderFactory.PROVIDER_ID;
    static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    static JsonNode spec;
    static SchemaRegistry schemas;
    static final AtomicInteger inline = new AtomicInteger();

    @BeforeAll
    static void readSpec() throws Exception {
        spec = new YAMLMapper().readTree(SPEC_FILE.toFile());
        String json = Api.JSON.writeValueAsString(spec);
        schemas = SchemaRegistry.withDialect(Dialects.getOpenApi31(), builder -> builder.schemas(Map.of(SPEC_URI, json)));
    }

    // ---- routes -------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Routes")
    class Routes {
        @Test
        @DisplayName("given the JAX-RS classes and the spec, then every implemented route is described and every"
                + " described operation is implemented")
        void twoWay() {
            Set<String> implemented = new TreeSet<>();
            walk(UserConsentResource.class, USER_ROOT, implemented, new ArrayList<>());
            walk(AdminConsentResource.class, ADMIN_ROOT, implemented, new ArrayList<>());
            Set<String> described = new TreeSet<>();
            spec.get("paths").properties().forEach(path -> path.getValue().fieldNames().forEachRemaining(m -> {
                if (HTTP_METHODS.contains(m)) {
                    described.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey());
                }
            }));

            Set<String> undocumented = new TreeSet<>(implemented);
            undocumented.removeAll(described);
            Set<String> unimplemented = new TreeSet<>(described);
            unimplemented.removeAll(implemented);

            assertThat(implemented).as("routes found by reflection").hasSizeGreaterThan(25);
            assertThat(undocumented.isEmpty() && unimplemented.isEmpty())
                    .as("implemented but not in docs/openapi.yaml: %s%nin docs/openapi.yaml but not implemented: %s",
                            undocumented, unimplemented)
                    .isTrue();
        }

        @Test
        @DisplayName("given the spec, then it is OpenAPI 3.1, every operation has a unique id and says how it is"
                + " authenticated, path parameters match the paths, and every $ref resolves")
        void wellFormed() {
            assertThat(spec.path("openapi").asText()).startsWith("3.1.");
            List<String> ids = new ArrayList<>();
            spec.get("paths").forEach(path -> path.properties().forEach(op -> {
                if (HTTP_METHODS.contains(op.getKey())) {
                    ids.add(op.getValue().path("operationId").asText(""));
                }
            }));
            assertThat(ids).doesNotContain("").doesNotHaveDuplicates();
            // every {name} of a path is a declared path parameter and the other way round; every scheme exists
            List<String> mismatched = new ArrayList<>();
            spec.get("paths").properties().forEach(path -> {
                Set<String> inPath = new TreeSet<>();
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{(\\w+)}").matcher(path.getKey());
                while (m.find()) {
                    inPath.add(m.group(1));
                }
                path.getValue().properties().forEach(op -> {
                    if (!HTTP_METHODS.contains(op.getKey())) {
                        return;
                    }
                    Set<String> declared = new TreeSet<>();
                    List<JsonNode> parameters = new ArrayList<>();
                    path.getValue().path("parameters").forEach(parameters::add);
                    op.getValue().path("parameters").forEach(parameters::add);
                    parameters.stream().map(OpenApiIT::resolve).filter(p -> p.path("in").asText().equals("path"))
                            .forEach(p -> declared.add(p.path("name").asText()));
                    if (!declared.equals(inPath)) {
                        mismatched.add(op.getKey() + " " + path.getKey() + " declares " + declared);
                    }
                    op.getValue().path("security").forEach(requirement -> requirement.fieldNames()
                            .forEachRemaining(scheme -> {
                                if (!spec.at("/components/securitySchemes").has(scheme)) {
                                    mismatched.add(op.getKey() + " " + path.getKey() + " uses the unknown scheme "
                                            + scheme);
                                }
                            }));
                    if (!op.getValue().has("security")) {
                        mismatched.add(op.getKey() + " " + path.getKey() + " says nothing about security");
                    }
                });
            });
            assertThat(mismatched).as("path parameters and security schemes").isEmpty();
            List<String> broken = new ArrayList<>();
            refs(spec, broken);
            assertThat(broken).as("$refs that point nowhere").isEmpty();
        }
    }

    /**
     * Collects "METHOD /path" for every resource method reachable from {@code type}: methods with an HTTP method
     * annotation are routes, methods with only {@code @Path} are sub-resource locators whose return type is walked.
     */
    static void walk(Class<?> type, String prefix, Set<String> out, List<Class<?>> trail) {
        if (trail.contains(type)) {
            return;
        }
        trail.add(type);
        for (Method m : type.getMethods()) {
            jakarta.ws.rs.Path path = m.getAnnotation(jakarta.ws.rs.Path.class);
            String http = httpMethod(m);
            String full = path == null ? prefix : join(prefix, path.value());
            if (http != null) {
                // the user API's CORS preflight catch-all (OPTIONS {any:.*}) is not described
                if (http.equals(HttpMethod.OPTIONS) && path != null && path.value().contains(":.*")) {
                    continue;
                }
                out.add(http + " " + full);
            } else if (path != null) {
                walk(m.getReturnType(), full, out, trail);
            }
        }
        trail.remove(type);
    }

    private static String httpMethod(Method m) {
        for (Annotation a : m.getAnnotations()) {
            HttpMethod http = a.annotationType().getAnnotation(HttpMethod.class);
            if (http != null) {
                return http.value();
            }
        }
        return null;
    }

    /** JAX-RS path joining: slashes collapsed, no trailing slash, {@code {name: regex}} becomes {@code {name}}. */
    private static String join(String prefix, String path) {
        String joined = (prefix + "/" + path).replaceAll("/+", "/");
        joined = joined.replaceAll("\\{\\s*(\\w+)\\s*:[^}]*}", "{$1}");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    private static void refs(JsonNode node, List<String> broken) {
        if (node.isObject()) {
            node.properties().forEach(e -> {
                if (e.getKey().equals("$ref") && e.getValue().isTextual()) {
                    String ref = e.getValue().asText();
                    if (!ref.startsWith("#/") || spec.at(ref.substring(1)).isMissingNode()) {
                        broken.add(ref);
                    }
                } else {
                    refs(e.getValue(), broken);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> refs(n, broken));
        }
    }

    // ---- live answers -------------------------------------------------------------------------------------

    @Nested
    @DisplayName("Live answers")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class Live {
        Api api;
        String userId;
        String username;
        String userToken;
        String adminToken;
        String senderToken;
        String webhookId;

        @BeforeAll
        void setUp() {
            api = new Api(KeycloakExtension.server());
            username = "oa-" + UUID.randomUUID().toString().substring(0, 8);
            userId = api.createUser(username);
            userToken = api.login(username).access();
            adminToken = api.adminToken();
            senderToken = api.serviceToken("mailer", "mailer-secret");
            // disabled: it exists to be described, not to deliver
            Api.Reply webhook = api.post(ADMIN_ROOT.replace("{realm}", Api.REALM) + "/webhooks", adminToken,
                    Map.of("url", "http://127.0.0.1:9/openapi-it", "enabled", false));
            assertThat(webhook.status()).as(webhook.toString()).isEqualTo(201);
            assertThat(conforms("POST", ADMIN_ROOT + "/webhooks", webhook, 201)).isEmpty();
            webhookId = webhook.json().get("id").asText();
        }

        @AfterAll
        void tearDown() {
            if (webhookId != null) {
                api.delete(ADMIN_ROOT.replace("{realm}", Api.REALM) + "/webhooks/" + webhookId, api.adminToken());
            }
        }

        @Test
        @Order(1)
        @DisplayName("given harmless writes with valid bodies (a fresh user's choices, a change on their behalf, a"
                + " link and its one-click, settings and scopes as they are), then each answer matches its schema")
        void writes() {
            List<String> problems = new ArrayList<>();
            Api.Reply chosen = api.choose(userToken, List.of(Map.of("purpose", "newsletter", "channel", "email",
                    "granted", false, "version", 1), Api.choice("sms-reminders", true),
                    Api.choice("partner-sharing", false), Api.choice("analytics", true)));
            problems.addAll(conforms("POST", USER_ROOT + "/me/choices", chosen, 200));
            assertThat(chosen.json().path("changes")).as(chosen.toString()).hasSize(4);
            assertThat(chosen.header("ETag")).isNotBlank();
            // the ETag it answered is accepted as If-Match; repeating the answer records nothing
            Api.Reply again = api.choose(userToken, List.of(Api.choice("analytics", true)), "If-Match",
                    chosen.header("ETag"));
            problems.addAll(conforms("POST", USER_ROOT + "/me/choices", again, 200));
            assertThat(again.json().has("changes")).as(again.toString()).isFalse();

            Api.Reply onBehalf = api.post(adminUser("/choices"), adminToken, Map.of("reason", "OpenApiIT: support"
                    + " ticket", "choices", List.of(Api.choice("product-updates", false))));
            problems.addAll(conforms("POST", ADMIN_ROOT + "/users/{userId}/choices", onBehalf, 200));

            Api.Reply link = api.post("/realms/demo/consent/senders/links", senderToken, Map.of("user", userId,
                    "purpose", "product-updates"));
            problems.addAll(conforms("POST", USER_ROOT + "/senders/links", link, 200));
            // a mail provider's one-click: plain text
            Api.Reply oneClick = api.send("POST", link.json().path("url").asText(), null,
                    "List-Unsubscribe=One-Click", "Content-Type", "application/x-www-form-urlencoded");
            problems.addAll(conforms("POST", USER_ROOT + "/unsubscribe", oneClick, 200));
            Api.Reply page = api.get(link.json().path("url").asText(), null, "Accept", "text/html");
            problems.addAll(conforms("GET", USER_ROOT + "/unsubscribe", page, 200));

            Api.Reply settings = api.get("/admin/realms/demo/consent/settings", adminToken);
            Api.Reply sameSettings = api.put("/admin/realms/demo/consent/settings", adminToken,
                    settings.json().toString());
            problems.addAll(conforms("PUT", ADMIN_ROOT + "/settings", sameSettings, 200));
            assertThat(sameSettings.json()).isEqualTo(settings.json());

            String scopesPath = "/admin/realms/demo/consent/purposes/partner-sharing/scopes";
            Api.Reply scopes = api.get(scopesPath, adminToken);
            Api.Reply sameScopes = api.put(scopesPath, adminToken,
                    Map.of("scopes", scopes.json().path("scopes")));
            problems.addAll(conforms("PUT", ADMIN_ROOT + "/purposes/{key}/scopes", sameScopes, 200));
            assertThat(sameScopes.json()).isEqualTo(scopes.json());

            String newsletter = "/admin/realms/demo/consent/purposes/newsletter";
            Api.Reply purpose = api.get(newsletter, adminToken);
            Api.Reply samePurpose = api.put(newsletter, adminToken,
                    Map.of("category", purpose.json().path("category").asText()));
            problems.addAll(conforms("PUT", ADMIN_ROOT + "/purposes/{key}", samePurpose, 200));
            assertThat(samePurpose.json()).isEqualTo(purpose.json());

            assertThat(problems).as("answers that do not match docs/openapi.yaml").isEmpty();
        }

        @Test
        @Order(2)
        @DisplayName("given every GET of the spec that answers JSON, called with real values, then each answer"
                + " matches the schema declared for its status")
        void everyJsonGet() {
            Map<String, String> values = Map.of("realm", Api.REALM, "key", "partner-sharing", "userId", userId,
                    "purpose", "newsletter", "id", webhookId);
            Map<String, String> tokens = Map.of("userBearer", userToken, "adminBearer", adminToken,
                    "senderBearer", senderToken);
            List<String> problems = new ArrayList<>();
            List<String> called = new ArrayList<>();
            spec.get("paths").properties().forEach(entry -> {
                JsonNode get = entry.getValue().get("get");
                if (get == null || !resolve(get.at("/responses/200")).path("content").has("application/json")) {
                    return;
                }
                String path = entry.getKey();
                List<JsonNode> parameters = new ArrayList<>();
                entry.getValue().path("parameters").forEach(p -> parameters.add(resolve(p)));
                get.path("parameters").forEach(p -> parameters.add(resolve(p)));
                String url = path;
                Map<String, String> query = new LinkedHashMap<>();
                for (JsonNode p : parameters) {
                    String name = p.get("name").asText();
                    boolean required = p.path("required").asBoolean();
                    if (p.get("in").asText().equals("path")) {
                        assertThat(values).as("a value for the path parameter %s of %s", name, path).containsKey(name);
                        url = url.replace("{" + name + "}", values.get(name));
                    } else if (p.get("in").asText().equals("query") && required) {
                        assertThat(values).as("a value for the query parameter %s of %s", name, path).containsKey(name);
                        query.put(name, values.get(name));
                    }
                }
                if (!query.isEmpty()) {
                    url += "?" + query.entrySet().stream().map(q -> q.getKey() + "="
                            + URLEncoder.encode(q.getValue(), StandardCharsets.UTF_8)).collect(Collectors.joining("&"));
                }
                // "security: []" is a public resource (e.g. gpc.json): called without a token
                JsonNode security = get.path("security");
                String scheme = security.isArray() && security.isEmpty() ? null
                        : security.path(0).fieldNames().next();
                if (scheme != null) {
                    assertThat(tokens).as("a token for the security scheme %s of %s", scheme, path)
                            .containsKey(scheme);
                }
                Api.Reply reply = api.get(url, scheme == null ? null : tokens.get(scheme), "Accept",
                        "application/json");
                called.add("GET " + url + " -> " + reply.status());
                problems.addAll(conforms("GET", path, reply, 200));
            });

            // the same exports as CSV downloads
            problems.addAll(conforms("GET", ADMIN_ROOT + "/export/choices",
                    api.get("/admin/realms/demo/consent/export/choices?format=csv&purpose=newsletter", adminToken), 200));
            problems.addAll(conforms("GET", ADMIN_ROOT + "/export/history",
                    api.get("/admin/realms/demo/consent/export/history?format=csv", adminToken), 200));

            assertThat(called).as("JSON GETs called").hasSizeGreaterThanOrEqualTo(17);
            assertThat(problems).as("answers that do not match docs/openapi.yaml (called: %s)", called).isEmpty();
        }

        @Test
        @Order(3)
        @DisplayName("given bad requests, then each answers a documented status with the documented error body and"
                + " code")
        void refusals() {
            String wrongUser = "/admin/realms/demo/consent/users/" + UUID.randomUUID();
            List<String> problems = new ArrayList<>();
            problems.addAll(refused("GET", USER_ROOT + "/me", api.get("/realms/demo/consent/me", null),
                    401, "not_authenticated"));
            problems.addAll(refused("POST", USER_ROOT + "/me/choices", api.choose(userToken,
                    List.of(Api.choice("no-such-purpose", false))), 400, "unknown_purpose"));
            problems.addAll(refused("POST", USER_ROOT + "/me/choices", api.choose(userToken,
                    List.of(Map.of("purpose", "newsletter", "granted", "yes"))), 400, "invalid_value"));
            problems.addAll(refused("POST", USER_ROOT + "/me/choices", api.choose(userToken,
                    List.of(Api.choice("security-alerts", false))), 409, "required_purpose"));
            problems.addAll(refused("POST", USER_ROOT + "/me/choices", api.choose(userToken,
                    List.of(Api.choice("newsletter", true)), "If-Match", "\"not-the-current-state\""),
                    412, "precondition_failed"));
            problems.addAll(refused("GET", USER_ROOT + "/me/history",
                    api.get("/realms/demo/consent/me/history?max=0", userToken), 400, "invalid_value"));
            problems.addAll(refused("POST", USER_ROOT + "/senders/links", api.post("/realms/demo/consent/senders/links",
                    userToken, Map.of("user", userId, "purpose", "newsletter")), 403, "forbidden"));
            problems.addAll(refused("GET", USER_ROOT + "/senders/audience",
                    api.get("/realms/demo/consent/senders/audience", senderToken), 400, "invalid_request"));
            problems.addAll(refused("GET", ADMIN_ROOT + "/purposes/{key}",
                    api.get("/admin/realms/demo/consent/purposes/no-such-purpose", adminToken), 404, "not_found"));
            problems.addAll(refused("GET", ADMIN_ROOT + "/users/{userId}", api.get(wrongUser, adminToken),
                    404, "not_found"));
            problems.addAll(refused("POST", ADMIN_ROOT + "/users/{userId}/choices", api.post(adminUser("/choices"),
                    adminToken, Map.of("choices", List.of(Api.choice("newsletter", true)))), 400, "reason_required"));
            problems.addAll(refused("GET", ADMIN_ROOT + "/export/history",
                    api.get("/admin/realms/demo/consent/export/history?format=xml", adminToken), 400,
                    "invalid_request"));
            // Keycloak's own refusal of a token without admin rights, in Keycloak's format
            problems.addAll(conforms("GET", ADMIN_ROOT + "/purposes",
                    api.get("/admin/realms/demo/consent/purposes", userToken), 403));
            // the link pages: a damaged token is a page for a browser and a plain-text code for a mail provider
            problems.addAll(conforms("GET", USER_ROOT + "/unsubscribe",
                    api.get("/realms/demo/consent/unsubscribe?token=damaged", null, "Accept", "text/html"), 400));
            problems.addAll(conforms("POST", USER_ROOT + "/unsubscribe/undo", api.send("POST",
                    "/realms/demo/consent/unsubscribe/undo?token=damaged", null, "", "Accept", "text/html"), 400));
            problems.addAll(conforms("GET", USER_ROOT + "/confirm",
                    api.get("/realms/demo/consent/confirm?token=damaged", null, "Accept", "text/html"), 400));
            problems.addAll(conforms("POST", USER_ROOT + "/confirm", api.send("POST",
                    "/realms/demo/consent/confirm?token=damaged", null, "", "Accept", "text/html"), 400));
            Api.Reply plain = api.send("POST", "/realms/demo/consent/unsubscribe?token=damaged", null,
                    "List-Unsubscribe=One-Click", "Content-Type", "application/x-www-form-urlencoded");
            problems.addAll(conforms("POST", USER_ROOT + "/unsubscribe", plain, 400));
            assertThat(plain.body()).startsWith("invalid_link: ");

            assertThat(problems).as("refusals that do not match docs/openapi.yaml").isEmpty();
        }

        @Test
        @Order(4)
        @DisplayName("given opt-out-all for the fresh user, then the answer matches its schema and only required"
                + " purposes stay on")
        void optOutOfAll() {
            Api.Reply reply = api.post("/realms/demo/consent/me/opt-out-all", userToken, null);
            assertThat(conforms("POST", USER_ROOT + "/me/opt-out-all", reply, 200)).isEmpty();
            reply.json().get("purposes").forEach(p -> assertThat(p.get("granted").asBoolean())
                    .as(p.get("key").asText()).isEqualTo(p.get("mechanism").asText().equals("required")));
        }

        private String adminUser(String rest) {
            return "/admin/realms/demo/consent/users/" + userId + rest;
        }
    }

    // ---- checking one answer against the spec ---------------------------------------------------------------

    /** A refusal: {@link #conforms} plus the error code in the body. */
    static List<String> refused(String method, String path, Api.Reply reply, int status, String code) {
        List<String> problems = new ArrayList<>(conforms(method, path, reply, status));
        if (problems.isEmpty() && !code.equals(reply.json().path("error").asText())) {
            problems.add(method + " " + path + ": expected error " + code + ", got " + reply);
        }
        return problems;
    }

    /**
     * The answer has the expected status, the operation documents that status and the answer's media type, and the
     * body validates against the schema declared for them (JSON as parsed, text as a JSON string).
     */
    static List<String> conforms(String method, String path, Api.Reply reply, int expectedStatus) {
        String where = method + " " + path + " -> " + reply.status();
        List<String> problems = new ArrayList<>();
        if (reply.status() != expectedStatus) {
            problems.add(where + ": expected " + expectedStatus + ": " + abbreviate(reply.body()));
            return problems;
        }
        JsonNode operation = spec.path("paths").path(path).path(method.toLowerCase(Locale.ROOT));
        if (operation.isMissingNode()) {
            problems.add(where + ": no such operation in the spec");
            return problems;
        }
        JsonNode response = resolve(operation.path("responses").path(Integer.toString(reply.status())));
        if (response.isMissingNode()) {
            problems.add(where + ": status not documented");
            return problems;
        }
        response.path("headers").fieldNames().forEachRemaining(header -> {
            if (reply.header(header) == null) {
                problems.add(where + ": no " + header + " header, which the spec declares");
            }
        });
        JsonNode content = response.path("content");
        String contentType = reply.header("Content-Type");
        if (content.isMissingNode() || content.isEmpty()) {
            return problems;
        }
        String mediaType = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
        JsonNode media = content.get(mediaType);
        if (media == null) {
            problems.add(where + ": media type '" + mediaType + "' not documented (documented: "
                    + Set.copyOf(iterable(content.fieldNames())) + ")");
            return problems;
        }
        JsonNode schema = media.path("schema");
        if (schema.isMissingNode()) {
            return problems;
        }
        JsonNode instance = mediaType.endsWith("json") ? reply.json() : TextNode.valueOf(reply.body());
        List<Error> errors = schemas.getSchema(SchemaLocation.of("https://idconsent.invalid/inline/"
                + inline.incrementAndGet()), absoluteRefs(schema.deepCopy())).validate(instance);
        errors.forEach(e -> problems.add(where + " " + mediaType + ": " + e.getInstanceLocation() + " "
                + e.getMessage() + " in " + abbreviate(reply.body())));
        return problems;
    }

    /** A schema of the spec taken out of it: its local $refs made to point into the registered spec. */
    private static JsonNode absoluteRefs(JsonNode node) {
        if (node instanceof ObjectNode object) {
            JsonNode ref = object.get("$ref");
            if (ref != null && ref.isTextual() && ref.asText().startsWith("#")) {
                object.put("$ref", SPEC_URI + ref.asText());
            }
            object.forEach(OpenApiIT::absoluteRefs);
        } else if (node.isArray()) {
            node.forEach(OpenApiIT::absoluteRefs);
        }
        return node;
    }

    /** A parameter or response object, following one local $ref. */
    static JsonNode resolve(JsonNode node) {
        JsonNode ref = node.get("$ref");
        return ref == null ? node : spec.at(ref.asText().substring(1));
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    private static String abbreviate(String body) {
        return body == null || body.length() <= 600 ? body : body.substring(0, 600) + "…";
    }
}
