package dev.idconsent.consent.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** What an app, a user's browser and an administrator do over HTTP, against the real server. */
public final class Api {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String REALM = "demo";
    public static final String APP = "demo-app";
    public static final String APP_ORIGIN = "http://localhost:3000";
    public static final String APP_REDIRECT = APP_ORIGIN + "/callback";

    private final String base;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    public Api(KeycloakServer server) {
        this.base = server.baseUrl();
    }

    public record Reply(int status, java.net.http.HttpHeaders headers, String body) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public record Tokens(String access, String id, String refresh) {
        public JsonNode accessClaims() {
            return Api.claims(access);
        }

        public JsonNode idClaims() {
            return Api.claims(id);
        }
    }

    // ---- plain HTTP ---------------------------------------------------------------------------------------

    public Reply get(String path, String token, String... headers) {
        return send("GET", path, token, null, headers);
    }

    public Reply post(String path, String token, Object json, String... headers) {
        return send("POST", path, token, json, headers);
    }

    public Reply put(String path, String token, Object json, String... headers) {
        return send("PUT", path, token, json, headers);
    }

    public Reply delete(String path, String token) {
        return send("DELETE", path, token, null);
    }

    /** {@code json} is sent as is when a String, else serialized. Headers as name, value pairs. */
    public Reply send(String method, String path, String token, Object json, String... headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path));
            if (token != null) {
                b.header("Authorization", "Bearer " + token);
            }
            boolean typed = false;
            for (int i = 0; i < headers.length; i += 2) {
                b.header(headers[i], headers[i + 1]);
                typed |= headers[i].equalsIgnoreCase("Content-Type");
            }
            if (json != null && !typed) {
                b.header("Content-Type", "application/json");
            }
            String body = json == null ? null : json instanceof String s ? s : JSON.writeValueAsString(json);
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    // ---- tokens -------------------------------------------------------------------------------------------

    /** The scopes an app asks for to read and change the person's choices through the user API. */
    public static final String CONSENT_SCOPES = "idc-choices-read idc-choices-write";

    /**
     * The real browser flow of the public client: authorization code with PKCE, login form, code exchange; the app
     * asks for the user API's capabilities ({@link #CONSENT_SCOPES}).
     */
    public Tokens login(String realm, String username, String password) {
        return login(realm, username, password, "openid " + CONSENT_SCOPES);
    }

    /** @param scope the OAuth scope parameter, e.g. {@code "openid partner-data offline_access"} */
    public Tokens login(String realm, String username, String password, String scope) {
        return login(authorization(realm, APP_REDIRECT, scope), username, password);
    }

    /** The same flow for another public client of the demo realm, e.g. Keycloak's {@code account-console}. */
    public Tokens loginAt(String clientId, String redirectUri, String username, String scope) {
        return login(authorizationOf(clientId, REALM, redirectUri, scope), username, username);
    }

    /** @param headers more headers of the login's requests, as name, value pairs (what a reverse proxy adds) */
    public Tokens login(Authorization authorization, String username, String password, String... headers) {
        try {
            HttpRequest.Builder first = HttpRequest.newBuilder(URI.create(authorization.url()));
            HttpRequest.Builder post = HttpRequest.newBuilder();
            for (int i = 0; i < headers.length; i += 2) {
                first.header(headers[i], headers[i + 1]);
                post.header(headers[i], headers[i + 1]);
            }
            HttpResponse<String> page = http.send(first.build(), HttpResponse.BodyHandlers.ofString());
            Matcher action = Pattern.compile("id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"|action=\"([^\"]+)\"[^>]*id=\"kc-form-login\"")
                    .matcher(page.body());
            if (!action.find()) {
                throw new AssertionError("no login form at " + authorization.url() + ": " + page.statusCode());
            }
            String url = (action.group(1) != null ? action.group(1) : action.group(2)).replace("&amp;", "&");
            // Keycloak marks its cookies Secure; browsers send them to http://127.0.0.1 (a secure context),
            // Java's CookieManager does not, so the cookies are carried by hand like a browser would.
            String cookies = page.headers().allValues("Set-Cookie").stream().map(c -> c.split(";", 2)[0])
                    .collect(Collectors.joining("; "));
            HttpResponse<String> sent = http.send(post.uri(URI.create(url))
                    .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookies)
                    .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("username", username, "password", password,
                            "credentialId", "")))).build(), HttpResponse.BodyHandlers.ofString());
            Matcher next = Pattern.compile("id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"|action=\"([^\"]+)\"[^>]*id=\"kc-form-login\"")
                    .matcher(sent.body());
            if (sent.statusCode() == 200 && next.find()) {
                // with Organizations on, Keycloak asks the username first and the password on a second page
                sent = http.send(post.uri(URI.create((next.group(1) != null ? next.group(1) : next.group(2))
                        .replace("&amp;", "&"))).header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Cookie", cookies).POST(HttpRequest.BodyPublishers.ofString(form(Map.of("password",
                                password, "credentialId", "")))).build(), HttpResponse.BodyHandlers.ofString());
            }
            HttpResponse<String> done = sent;
            String location = done.headers().firstValue("Location")
                    .orElseThrow(() -> new AssertionError("login of " + username + " failed: " + done.statusCode()));
            return exchange(location, authorization);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An authorization request of the public client with a fresh PKCE pair. */
    public record Authorization(String clientId, String realm, String url, String verifier, String redirectUri) {
    }

    /** @param extra more request parameters as name, value pairs, e.g. {@code "kc_action", "idc-consent-step"} */
    public Authorization authorization(String realm, String redirectUri, String scope, String... extra) {
        return authorizationOf(APP, realm, redirectUri, scope, extra);
    }

    public Authorization authorizationOf(String clientId, String realm, String redirectUri, String scope,
                                         String... extra) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String challenge;
        try {
            challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Map<String, String> params = new LinkedHashMap<>(Map.of("client_id", clientId, "redirect_uri", redirectUri,
                "response_type", "code", "scope", scope, "state", "s1", "code_challenge", challenge,
                "code_challenge_method", "S256"));
        for (int i = 0; i < extra.length; i += 2) {
            params.put(extra[i], extra[i + 1]);
        }
        return new Authorization(clientId, realm, base + "/realms/" + realm + "/protocol/openid-connect/auth?"
                + form(params), verifier, redirectUri);
    }

    /** The app's side of the callback: takes the code from the redirect and exchanges it. */
    public Tokens exchange(String callback, Authorization authorization) {
        Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(callback);
        if (!code.find()) {
            throw new AssertionError("no code in " + callback);
        }
        return tokens(authorization.realm(), Map.of("grant_type", "authorization_code", "code", code.group(1),
                "redirect_uri", authorization.redirectUri(), "client_id", authorization.clientId(),
                "code_verifier", authorization.verifier()));
    }

    public Tokens login(String username) {
        return login(REALM, username, username);
    }

    public Tokens refresh(Tokens tokens) {
        return refresh(REALM, tokens);
    }

    public Tokens refresh(String realm, Tokens tokens) {
        return tokens(realm, Map.of("grant_type", "refresh_token", "refresh_token", tokens.refresh(),
                "client_id", APP));
    }

    public JsonNode userinfo(String accessToken) {
        Reply r = get("/realms/" + REALM + "/protocol/openid-connect/userinfo", accessToken);
        if (r.status() != 200) {
            throw new AssertionError("userinfo: " + r);
        }
        return r.json();
    }

    /**
     * Token introspection as the demo API (a resource server in the app's token audience) does it. Keycloak
     * 26.7 answers {@code active: false} to a client that is not in the token's audience.
     */
    public JsonNode introspect(String token) {
        Reply r = send("POST", "/realms/" + REALM + "/protocol/openid-connect/token/introspect", null,
                form(Map.of("token", token, "client_id", "demo-api", "client_secret", "demo-api-secret")),
                "Content-Type", "application/x-www-form-urlencoded");
        if (r.status() != 200) {
            throw new AssertionError("introspection: " + r);
        }
        if (!r.json().path("active").asBoolean()) {
            throw new AssertionError("token not active at introspection: " + r);
        }
        return r.json();
    }

    public String adminToken() {
        return tokens("master", Map.of("grant_type", "password", "client_id", "admin-cli",
                "username", KeycloakServer.ADMIN_USER, "password", KeycloakServer.ADMIN_PASSWORD)).access();
    }

    /** A resource-owner password grant, as a client with direct access grants does it (e.g. the built-in admin-cli). */
    public Tokens password(String clientId, String username, String scope) {
        return tokens(REALM, Map.of("grant_type", "password", "client_id", clientId, "username", username,
                "password", username, "scope", scope));
    }

    public String serviceToken(String clientId, String secret) {
        return serviceToken(REALM, clientId, secret);
    }

    public String serviceToken(String realm, String clientId, String secret) {
        return tokens(realm, Map.of("grant_type", "client_credentials", "client_id", clientId,
                "client_secret", secret)).access();
    }

    private Tokens tokens(String realm, Map<String, String> params) {
        Reply r = send("POST", "/realms/" + realm + "/protocol/openid-connect/token", null, form(params),
                "Content-Type", "application/x-www-form-urlencoded");
        if (r.status() != 200) {
            throw new AssertionError("token request failed: " + r);
        }
        JsonNode json = r.json();
        return new Tokens(json.path("access_token").asText(null), json.path("id_token").asText(null),
                json.path("refresh_token").asText(null));
    }

    /** The payload of a JWT, decoded as an app would. */
    public static JsonNode claims(String jwt) {
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String form(Map<String, String> params) {
        return new LinkedHashMap<>(params).entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    // ---- admin helpers ------------------------------------------------------------------------------------

    public String userId(String username) {
        Reply r = get("/admin/realms/" + REALM + "/users?exact=true&username=" + username, adminToken());
        return r.json().get(0).get("id").asText();
    }

    /** A new user of the demo realm (password = username), for tests that need a user nobody else touches. */
    public String createUser(String username) {
        return createUserIn(REALM, username);
    }

    public String createUserIn(String realm, String username) {
        Reply r = post("/admin/realms/" + realm + "/users", adminToken(), Map.of("username", username,
                "enabled", true, "email", username + "@example.com", "emailVerified", true, "firstName", username,
                "lastName", "Test", "credentials", java.util.List.of(Map.of("type", "password", "value", username,
                        "temporary", false))));
        if (r.status() != 201) {
            throw new AssertionError("creating " + username + ": " + r);
        }
        String location = r.header("Location");
        return location.substring(location.lastIndexOf('/') + 1);
    }

    /**
     * The user API call a browser or mobile app makes. Like an app, it shows the current text before a yes: a yes
     * without {@code version} gets the version {@code GET /me} shows (when the token may read), as the API requires.
     */
    public Reply choose(String token, Object choices, String... headers) {
        return post("/realms/" + REALM + "/consent/me/choices", token, Map.of("choices", shown(token, choices)),
                headers);
    }

    private Object shown(String token, Object choices) {
        if (!(choices instanceof java.util.List<?> list) || list.stream().noneMatch(c -> c instanceof Map<?, ?> m
                && Boolean.TRUE.equals(m.get("granted")) && !m.containsKey("version"))) {
            return choices;
        }
        Reply me = get("/realms/" + REALM + "/consent/me", token);
        if (me.status() != 200) {
            return choices;
        }
        java.util.List<Object> out = new java.util.ArrayList<>();
        for (Object c : list) {
            if (c instanceof Map<?, ?> m && Boolean.TRUE.equals(m.get("granted")) && !m.containsKey("version")
                    && purpose(me.json(), String.valueOf(m.get("purpose"))) != null) {
                Map<Object, Object> withVersion = new LinkedHashMap<>(m);
                withVersion.put("version", purpose(me.json(), String.valueOf(m.get("purpose"))).get("version").asInt());
                out.add(withVersion);
            } else {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * An administrator records a choice on the person's behalf (a paper form, a phone call): the way to a yes for a
     * gating purpose without a browser. Fails unless it is recorded.
     */
    public void onBehalf(String userId, String purpose, boolean granted) {
        Reply r = post("/admin/realms/" + REALM + "/consent/users/" + userId + "/choices", adminToken(),
                Map.of("reason", "test setup: the person said so on a signed form", "choices",
                        java.util.List.of(choice(purpose, granted))));
        if (r.status() != 200) {
            throw new AssertionError("on behalf of " + userId + ": " + r);
        }
    }

    /** A copy of the demo realm under another name, for a test that changes realm-wide things. Fails unless created. */
    public void copyDemoRealm(String name) throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode copy = LifecycleIT.demoRealm();
        LifecycleIT.withoutIds(copy);
        copy.put("realm", name);
        Reply r = post("/admin/realms", adminToken(), copy);
        if (r.status() != 201) {
            throw new AssertionError("copying the demo realm as " + name + ": " + r);
        }
    }

    /** The realm's key provider component whose provider id starts with {@code prefix}, e.g. rsa-generated. */
    public com.fasterxml.jackson.databind.node.ObjectNode keyProvider(String realm, String prefix) {
        for (JsonNode key : get("/admin/realms/" + realm + "/components?type=org.keycloak.keys.KeyProvider",
                adminToken()).json()) {
            if (key.get("providerId").asText().startsWith(prefix)) {
                return (com.fasterxml.jackson.databind.node.ObjectNode) key;
            }
        }
        throw new AssertionError("realm " + realm + " has no key provider " + prefix + "*");
    }

    /** A key rotation: a new key of the same provider with the highest priority. Fails unless it is created. */
    public void rotateKey(String realm, JsonNode like, Map<String, java.util.List<String>> config) {
        String realmId = get("/admin/realms/" + realm, adminToken()).json().get("id").asText();
        Map<String, java.util.List<String>> withPriority = new LinkedHashMap<>(config);
        withPriority.put("priority", java.util.List.of("1000"));
        Reply r = post("/admin/realms/" + realm + "/components", adminToken(), Map.of("name", "rotated",
                "providerId", like.get("providerId").asText(), "providerType", "org.keycloak.keys.KeyProvider",
                "parentId", realmId, "config", withPriority));
        if (r.status() != 201) {
            throw new AssertionError("rotating the key of " + realm + ": " + r);
        }
    }

    /** An admin adds a purpose to the demo realm's catalog. Fails unless it is created. */
    public JsonNode createPurpose(Map<String, Object> purpose) {
        Reply r = post("/admin/realms/" + REALM + "/consent/purposes", adminToken(), purpose);
        if (r.status() != 201) {
            throw new AssertionError("creating purpose " + purpose.get("key") + ": " + r);
        }
        return r.json();
    }

    /**
     * Waits until the newest row of a user's history has {@code state} — what a background task writes (e.g. a yes
     * reaching its lifetime); fails after a minute.
     */
    public JsonNode awaitNewestRow(String userId, String state) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            JsonNode newest = get("/admin/realms/" + REALM + "/consent/users/" + userId + "/history", adminToken())
                    .json().get("history").get(0);
            if (newest != null && newest.get("state").asText().equals(state)) {
                return newest;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("the newest history row of " + userId + " is not " + state + ": " + newest);
            }
            Thread.sleep(500);
        }
    }

    /** A user's history as an administrator reads it, newest first. */
    public java.util.List<JsonNode> history(String realm, String userId) {
        java.util.List<JsonNode> out = new java.util.ArrayList<>();
        get("/admin/realms/" + realm + "/consent/users/" + userId + "/history", adminToken()).json().get("history")
                .forEach(out::add);
        return out;
    }

    public static Map<String, Object> choice(String purpose, boolean granted) {
        return Map.of("purpose", purpose, "granted", granted);
    }

    /** {@code consent.<purpose>} of a token or userinfo response; fails when the claim is missing. */
    public static boolean consent(JsonNode claims, String purpose) {
        JsonNode value = claims.path("consent").path(purpose);
        if (!value.isBoolean()) {
            throw new AssertionError("no boolean consent." + purpose + " in " + claims);
        }
        return value.booleanValue();
    }

    /** The effective state of one purpose in a view returned by the user or admin API. */
    public static JsonNode purpose(JsonNode view, String key) {
        for (JsonNode p : view.get("purposes")) {
            if (p.get("key").asText().equals(key)) {
                return p;
            }
        }
        return null;
    }
}
