package dev.idconsent.consent.catalog;

import dev.idconsent.consent.Purpose;
import dev.idconsent.consent.Words;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.theme.Theme;

/**
 * What the plugin's pages and mails say about purposes, in the reader's language: each purpose's words as the
 * catalog picks them for that language ({@link Purpose#words}) and channel names from the theme's messages
 * ({@code idcChannel_<channel>}, the realm's own localization texts on top). Every page and mail asks this one place;
 * the account console asks the same catalog through the API ({@code GET …/me?locale=}).
 */
public final class Wording {
    private final Locale locale;
    private final String baseLocale;
    private final Properties messages;

    private Wording(Locale locale, String baseLocale, Properties messages) {
        this.locale = locale;
        this.baseLocale = baseLocale;
        this.messages = messages;
    }

    /**
     * For {@code user}, in the language Keycloak shows them its own pages in (their profile's locale, else the
     * request's, else the realm's default).
     */
    public static Wording of(KeycloakSession session, RealmModel realm, UserModel user, Theme.Type type) {
        Locale locale = session.getContext().resolveLocale(user);
        Properties messages;
        try {
            messages = session.theme().getTheme(type).getEnhancedMessages(realm, locale);
        } catch (IOException e) {
            throw new IllegalStateException("the " + type + " theme's messages cannot be read", e);
        }
        return new Wording(locale, PurposeComponents.baseLocale(realm), messages);
    }

    /** The reader's language, as a tag ({@code de}). */
    public String locale() {
        return locale.toLanguageTag();
    }

    public Locale javaLocale() {
        return locale;
    }

    /** The purpose's words for the reader. */
    public Words words(Purpose purpose) {
        return purpose.words(locale(), baseLocale);
    }

    /** A channel's name in running text ("E-Mail"); a channel the theme does not name keeps its key. */
    public String channel(String channel) {
        return channel == null ? "" : messages.getProperty("idcChannel_" + channel, channel);
    }

    /** Channel names joined for running text: "E-Mail, SMS". */
    public String channels(List<String> channels) {
        return String.join(", ", channels.stream().map(this::channel).toList());
    }
}
