package dev.idconsent.consent.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ConsentReports;
import dev.idconsent.consent.ErrorCode;
import dev.idconsent.consent.Subject;
import dev.idconsent.consent.model.ConsentProvider;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import org.keycloak.crypto.Algorithm;
import org.keycloak.crypto.ECDSAAlgorithm;
import org.keycloak.crypto.JavaAlgorithm;
import org.keycloak.crypto.KeyUse;
import org.keycloak.crypto.KeyWrapper;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;
import org.keycloak.services.Urls;

/**
 * A person's consent receipt ({@code GET …/receipt}), as JSON or signed ({@code GET …/receipt/signed}, a compact JWS
 * of the same JSON). Written while it is read from the database, a page of history at a time, each page in a
 * transaction of its own: a history of any length costs one page of memory.
 *
 * <p>Each history row (oldest first) carries {@code chain}: the SHA-256 of the previous row's chain followed by the
 * SHA-256 of each of {@link #CHAINED} (in that order, an absent value or empty list as the empty string, a list as
 * its compact JSON), then of each of {@link #CHAINED_WHEN_PRESENT} the row has (fields added later: the chains of
 * rows recorded before them do not change), in hex; the receipt's
 * {@code historyDigest} is the last row's chain. Two receipts of the same person agree on the chain of every row
 * both hold, so a row dropped, changed or moved between them shows.
 *
 * <p>The signed form is signed with the realm's active key for its default signature algorithm (asymmetric: RS256
 * unless the realm says otherwise), the same keys as its tokens, so anyone can verify it against the realm's JWKS.
 * It is deliberately not a token: the header's {@code typ} is {@value #TYPE} and the payload has no {@code iss},
 * {@code sub}, {@code aud} or {@code exp} claims, so no relying party can take it for an ID or access token.
 */
public final class Receipts {
    public static final String TYPE = "idc-receipt+json";
    public static final String MEDIA_TYPE = "application/jose";
    /** The fields of a history row its chain covers, as JSON pointers into the row. */
    public static final List<String> CHAINED = List.of("/id", "/subject", "/purpose", "/channel", "/version",
            "/previous", "/state", "/via", "/actor/kind", "/actor/id", "/actor/username", "/clientId",
            "/capability", "/reason", "/at", "/source", "/evidence", "/text/version", "/text/label",
            "/text/description", "/text/recipients");
    /** Fields of a history row its chain covers when the row has them, after {@link #CHAINED}. */
    public static final List<String> CHAINED_WHEN_PRESENT = List.of("/locale", "/region");
    private static final ObjectMapper JSON = org.keycloak.util.JsonSerialization.mapper;

    private Receipts() {
    }

    /** The formats a receipt comes in: this project's receipt (the default) and the ISO/IEC TS 27560 record. */
    public static final String FORMAT_IDC = "idc";
    public static final String FORMAT_ISO = "iso-27560";

    /** Writes a receipt's JSON. */
    interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    /**
     * The response to a receipt request; checks of who may read it come before.
     *
     * @param format {@value #FORMAT_IDC} ({@code null}) or {@value #FORMAT_ISO}
     */
    public static Response answer(KeycloakSession session, RealmModel realm, UserModel user, ConsentProvider plugin,
                                  boolean signed, String format) {
        boolean iso = switch (format == null ? FORMAT_IDC : format) {
            case FORMAT_IDC -> false;
            case FORMAT_ISO -> true;
            default -> throw new ConsentException(ErrorCode.INVALID_REQUEST, "format must be \"" + FORMAT_IDC
                    + "\" or \"" + FORMAT_ISO + "\", not '" + format + "'");
        };
        KeyWrapper key = signed ? signingKey(session, realm) : null;
        Body body = iso ? IsoRecords.receipt(session, realm, user, plugin) : receipt(session, realm, user, plugin);
        String name = (iso ? "consent-record-iso-27560-" : "consent-receipt-") + realm.getName();
        StreamingOutput out = raw -> write(raw, body, key);
        return Response.ok(out, signed ? MEDIA_TYPE : "application/json")
                .header("Content-Disposition", "attachment; filename=\"" + name + (signed ? ".jws" : ".json") + "\"")
                .header("Cache-Control", "no-store").build();
    }

    private static Body receipt(KeycloakSession session, RealmModel realm, UserModel user, ConsentProvider plugin) {
        Subject subject = plugin.subject(realm, user);
        ConsentReports reports = plugin.reports(realm);
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("type", "idc-consent-receipt");
        head.put("issuer", Urls.realmIssuer(session.getContext().getUri().getBaseUri(), realm.getName()));
        head.put("realm", realm.getName());
        head.put("subject", subject.id());
        head.put("username", user.getUsername());
        head.put("generatedAt", Instant.now().toString());
        String base = dev.idconsent.consent.catalog.PurposeComponents.baseLocale(realm);
        // the person's receipt, in their language; each change in the words they were shown then
        String reader = session.getContext().resolveLocale(user).toLanguageTag();
        ConsentJson.ViewJson view = ConsentJson.view(reports.receiptView(subject), java.util.Map.of(), reader, base);
        if (view.location() != null) {
            head.put("location", view.location()); // where the person is: the regions whose mechanisms applied
        }
        head.put("purposes", view.purposes());
        // what surfaces showed the person (not answers; not in the chain, covered by the signature)
        head.put("notices", ConsentJson.notices(plugin.notices(realm).of(subject.id())));
        // the first page now, in the request's transaction: an unreachable database is a clear 503
        List<ConsentReports.ReceiptRow> first = reports.receiptRows(subject.id(), 0, ConsentReports.PAGE);
        LongFunction<List<ConsentReports.ReceiptRow>> next = afterId -> inTransaction(session, realm,
                r -> r.receiptRows(subject.id(), afterId, ConsentReports.PAGE));
        return json -> {
            for (Map.Entry<String, Object> e : head.entrySet()) {
                json.writeObjectField(e.getKey(), e.getValue());
            }
            json.writeArrayFieldStart("history");
            byte[] chain = new byte[0];
            long rows = 0;
            for (List<ConsentReports.ReceiptRow> page = first; !page.isEmpty();
                 page = next.apply(page.get(page.size() - 1).entry().id())) {
                for (ConsentReports.ReceiptRow row : page) {
                    ObjectNode node = JSON.valueToTree(new ConsentJson.ReceiptRowJson(ConsentJson.history(row.entry()),
                            row.text() == null ? null : ConsentJson.text(row.text(),
                                    row.text().words(row.entry().locale(), base))));
                    chain = chain(chain, node);
                    node.put("chain", HexFormat.of().formatHex(chain));
                    json.writeTree(node);
                    rows++;
                }
                json.flush();
            }
            json.writeEndArray();
            json.writeNumberField("historyRows", rows);
            json.writeStringField("historyDigest", rows == 0 ? null : HexFormat.of().formatHex(chain));
        };
    }

    /** Reads from the realm's reports in a transaction of its own: a page of a receipt being written. */
    static <T> T inTransaction(KeycloakSession session, RealmModel realm,
                               java.util.function.Function<ConsentReports, T> read) {
        KeycloakSessionFactory factory = session.getKeycloakSessionFactory();
        String realmId = realm.getId();
        return KeycloakModelUtils.runJobInTransactionWithResult(factory, s -> {
            RealmModel r = s.realms().getRealm(realmId);
            s.getContext().setRealm(r);
            return read.apply(s.getProvider(ConsentProvider.class).reports(r));
        });
    }

    /** The realm's active asymmetric signing key: its default algorithm, or RS256 if that is not asymmetric. */
    static KeyWrapper signingKey(KeycloakSession session, RealmModel realm) {
        String algorithm = realm.getDefaultSignatureAlgorithm();
        if (algorithm == null || algorithm.startsWith("HS")) {
            algorithm = Algorithm.RS256;
        }
        KeyWrapper key = session.keys().getActiveKey(realm, KeyUse.SIG, algorithm);
        if (key == null || !(key.getPrivateKey() instanceof PrivateKey)) {
            throw new ConsentException(ErrorCode.UNAVAILABLE, "the realm has no active " + algorithm
                    + " signing key to sign the receipt with");
        }
        return key;
    }

    private static void write(OutputStream raw, Body body, KeyWrapper key) throws IOException {
        Signing signing = key == null ? null : new Signing(raw, key);
        OutputStream payload = signing == null ? new Unclosable(raw) : signing.payload();
        try (JsonGenerator json = JSON.getFactory().createGenerator(payload)) {
            json.writeStartObject();
            body.write(json);
            json.writeEndObject();
        }
        if (signing != null) {
            signing.finish();
        }
        raw.flush();
    }

    /** The chain of a row: SHA-256(previous chain ‖ SHA-256(field 1) ‖ … ‖ SHA-256(field n)). */
    public static byte[] chain(byte[] previous, JsonNode row) {
        MessageDigest chain = sha256();
        MessageDigest field = sha256();
        chain.update(previous);
        for (String pointer : CHAINED) {
            JsonNode value = row.at(pointer);
            // a list (recipients) counts as its compact JSON; an empty list as absent
            String text = value.isMissingNode() || value.isNull() || value.isContainerNode() && value.isEmpty() ? ""
                    : value.isContainerNode() ? value.toString() : value.asText();
            chain.update(field.digest(text.getBytes(StandardCharsets.UTF_8)));
        }
        for (String pointer : CHAINED_WHEN_PRESENT) {
            JsonNode value = row.at(pointer);
            if (!value.isMissingNode() && !value.isNull()) {
                chain.update(field.digest(value.asText().getBytes(StandardCharsets.UTF_8)));
            }
        }
        return chain.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A compact JWS written as it goes: the header, then the payload base64url-encoded on its way out, the signature
     * computed over exactly the bytes sent (as Keycloak's own signers do, ECDSA's DER turned into R‖S).
     */
    private static final class Signing {
        private final OutputStream raw;
        private final KeyWrapper key;
        private final Signature signature;
        private final OutputStream encoder;

        Signing(OutputStream raw, KeyWrapper key) throws IOException {
            this.raw = raw;
            this.key = key;
            try {
                signature = Signature.getInstance(JavaAlgorithm.getJavaAlgorithm(key.getAlgorithmOrDefault(),
                        key.getCurve()));
                signature.initSign((PrivateKey) key.getPrivateKey());
            } catch (java.security.GeneralSecurityException e) {
                throw new IOException("cannot sign with the realm's " + key.getAlgorithmOrDefault() + " key", e);
            }
            Map<String, String> header = new LinkedHashMap<>();
            header.put("alg", key.getAlgorithmOrDefault());
            header.put("kid", key.getKid());
            header.put("typ", TYPE);
            signed((base64(JSON.writeValueAsBytes(header)) + ".").getBytes(StandardCharsets.US_ASCII));
            encoder = Base64.getUrlEncoder().withoutPadding().wrap(new Unclosable(new FilterOutputStream(raw) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    update(b, off, len);
                    raw.write(b, off, len);
                }

                @Override
                public void write(int b) throws IOException {
                    write(new byte[] {(byte) b}, 0, 1);
                }
            }));
        }

        OutputStream payload() {
            return encoder;
        }

        /** After the payload: the encoder's last bytes, then the signature. */
        void finish() throws IOException {
            encoder.close(); // writes the final base64 characters; the stream below stays open
            try {
                byte[] value = signature.sign();
                if (JavaAlgorithm.isECJavaAlgorithm(key.getAlgorithmOrDefault())) {
                    value = ECDSAAlgorithm.asn1derToConcatenatedRS(value,
                            ECDSAAlgorithm.getSignatureLength(key.getAlgorithmOrDefault()));
                }
                raw.write(("." + base64(value)).getBytes(StandardCharsets.US_ASCII));
            } catch (java.security.SignatureException e) {
                throw new IOException("signing the receipt failed", e);
            }
        }

        private void signed(byte[] bytes) throws IOException {
            update(bytes, 0, bytes.length);
            raw.write(bytes);
        }

        private void update(byte[] b, int off, int len) throws IOException {
            try {
                signature.update(b, off, len);
            } catch (java.security.SignatureException e) {
                throw new IOException(e);
            }
        }

        private static String base64(byte[] bytes) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        }
    }

    /** Keeps the response stream open when a writer on top of it closes. */
    private static final class Unclosable extends FilterOutputStream {
        Unclosable(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
