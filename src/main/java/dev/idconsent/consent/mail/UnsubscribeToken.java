package dev.idconsent.consent.mail;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.keycloak.TokenCategory;
import org.keycloak.representations.JsonWebToken;

/**
 * The signed part of an unsubscribe link: whose choice (subject), which purpose and channel. Signed with the
 * realm's HMAC key like Keycloak's internal tokens; its own type keeps every other internal token out.
 */
public class UnsubscribeToken extends JsonWebToken {
    public static final String TYPE = "idc-unsubscribe";
    /** The same claims, for the link that confirms a double opt-in. */
    public static final String CONFIRM_TYPE = "idc-confirm";
    /** Undoes one unsubscribe click: short-lived, bound to the history row that click wrote. */
    public static final String UNDO_TYPE = "idc-undo";

    @JsonProperty("pur")
    private String purpose;

    @JsonProperty("chn")
    private String channel;

    @JsonProperty("hid")
    private Long historyId;

    /** The client id of the sender that minted the link (recorded with the change a click makes). */
    @JsonProperty("snd")
    private String sender;

    public UnsubscribeToken() {
    }

    UnsubscribeToken(String type, String issuer, String userId, String purpose, String channel, long expiresAt) {
        issuer(issuer);
        subject(userId);
        type(type);
        issuedNow();
        exp(expiresAt);
        this.purpose = purpose;
        this.channel = channel;
    }

    public String getPurpose() {
        return purpose;
    }

    public String getChannel() {
        return channel;
    }

    public Long getHistoryId() {
        return historyId;
    }

    public String getSender() {
        return sender;
    }

    UnsubscribeToken sender(String clientId) {
        this.sender = clientId;
        return this;
    }

    UnsubscribeToken historyId(long id) {
        this.historyId = id;
        return this;
    }

    @Override
    public TokenCategory getCategory() {
        return TokenCategory.INTERNAL;
    }
}
