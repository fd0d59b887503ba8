package dev.idconsent.consent.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.idconsent.consent.ConsentException;
import dev.idconsent.consent.ErrorCode;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.keycloak.models.KeycloakSession;

/**
 * How a request of the plugin's JSON APIs ends: a refusal as its error body ({@code {"error", "message"[,
 * "field"]}}) with the transaction rolled back, a lost database as 503 instead of Keycloak's 500.
 */
public final class Answers {
    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(Answers.class);

    private Answers() {
    }

    /**
     * Runs a request: a refusal becomes its error body; a lost database connection becomes a 503 with the same
     * body and a rolled-back transaction, instead of Keycloak's generic 500 — the client knows nothing changed
     * and may retry. Every other failure stays Keycloak's to report.
     */
    public static Response guarded(KeycloakSession session, java.util.function.Supplier<Response> action) {
        try {
            return action.get();
        } catch (ConsentException e) {
            return error(session, e);
        } catch (RuntimeException e) {
            if (!databaseUnavailable(e)) {
                throw e;
            }
            LOG.warnf("consent request refused with 503, the database cannot be reached: %s", rootMessage(e));
            session.getTransactionManager().setRollbackOnly();
            return error(ErrorCode.UNAVAILABLE, "the consent store cannot be reached right now; nothing was changed."
                    + " Please try again shortly");
        }
    }

    /**
     * For the link pages, which answer with a page rather than JSON: a lost database becomes the refusal
     * {@code unavailable} (503, nothing changed, the transaction marked for rollback); anything else is rethrown.
     */
    public static ConsentException unavailable(KeycloakSession session, RuntimeException e) {
        if (!databaseUnavailable(e)) {
            throw e;
        }
        LOG.warnf("link page answered 503, the database cannot be reached: %s", rootMessage(e));
        session.getTransactionManager().setRollbackOnly();
        return new ConsentException(ErrorCode.UNAVAILABLE, "your choices cannot be reached right now and nothing"
                + " was changed; please try again in a moment");
    }

    /** A connection failure anywhere in the cause chain (not a bad statement or a constraint). */
    static boolean databaseUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // Keycloak's ModelException("Database operation failed") may carry the driver's I/O error directly
            // (EOFException, ConnectException); a consent request does no other I/O before it answers
            if (t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLNonTransientConnectionException
                    || t instanceof java.io.IOException
                    || t.getClass().getName().equals("org.hibernate.exception.JDBCConnectionException")) {
                return true;
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** The error body every refusal carries; the transaction is marked for rollback first. */
    public static Response error(KeycloakSession session, ConsentException e) {
        session.getTransactionManager().setRollbackOnly();
        return error(e.code(), e.getMessage(), e.field());
    }

    public static Response error(ErrorCode code, String message) {
        return error(code, message, null);
    }

    /** @param field the request field the refusal names ({@code "field"} in the body), or {@code null} */
    private static Response error(ErrorCode code, String message, String field) {
        return Response.status(code.status()).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorJson(code.code(), message, field)).build();
    }

    /** {@code {"error": "<code>", "message": "<a sentence>"[, "field": "<the request field>"]}} */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ErrorJson(String error, String message, String field) {
    }
}
