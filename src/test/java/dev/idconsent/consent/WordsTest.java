package dev.idconsent.consent;

import static dev.idconsent.consent.InMemory.NOW;
import static dev.idconsent.consent.InMemory.refusal;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idconsent.consent.CatalogService.ChangeKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@DisplayName("Words: one resolver picks a purpose's words for a reader, and every language is part of the text")
class WordsTest {
    static final Map<String, Words> TRANSLATIONS = Map.of(
            "de", new Words("de", "Neuigkeiten", "Neues per E-Mail."),
            "de-CH", new Words("de-CH", "Neuigkeiten (CH)", "Neues per E-Mail, Schweiz."),
            "pt-BR", new Words("pt-BR", "Novidades", "Novidades por e-mail."));
    static final Purpose NEWS = new Purpose("news", "News", "News by email.", "communications", Mechanism.OPT_IN,
            List.of("email"), 1, false, true, false).withTranslations(TRANSLATIONS);

    static String message(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        return refusal(call).getMessage();
    }

    @ParameterizedTest(name = "a reader of {0} gets {1} ({2})")
    @CsvSource({"de, Neuigkeiten, de", "de-AT, Neuigkeiten, de", "de_CH, Neuigkeiten (CH), de-CH",
            "DE-ch, Neuigkeiten (CH), de-CH", "pt-BR, Novidades, pt-BR", "pt, News, en", "fr, News, en",
            "en, News, en", "en-GB, News, en"})
    void picks(String reader, String label, String locale) {
        Words words = NEWS.words(reader, "en");
        assertThat(words.label()).isEqualTo(label);
        assertThat(words.locale()).isEqualTo(locale);
    }

    @Test
    @DisplayName("given no reader's language, then the realm's default words")
    void noLanguage() {
        assertThat(NEWS.words(null, "en")).isEqualTo(new Words("en", "News", "News by email."));
    }

    @Nested
    @DisplayName("given translations are validated")
    class Validation {
        Purpose with(Map<String, Words> translations) {
            return NEWS.withTranslations(translations);
        }

        @Test
        @DisplayName("then tags are normalized (de_ch → de-CH) and sorted")
        void normalized() {
            Purpose p = with(Map.of("de_ch", new Words("de_ch", "A", "B"), "de", new Words("de", "C", "D")))
                    .validate();
            assertThat(p.translations()).containsOnlyKeys("de", "de-CH");
            assertThat(p.translations().get("de-CH").locale()).isEqualTo("de-CH");
        }

        @Test
        @DisplayName("then each refusal names the language and what is wrong")
        void refusals() {
            assertThat(message(() -> with(Map.of("Deutsch!", new Words("Deutsch!", "A", "B"))).validate()))
                    .contains("'Deutsch!' must be a language tag");
            assertThat(message(() -> with(Map.of("de", new Words("de", " ", "B"))).validate()))
                    .contains("de translation needs a label");
            assertThat(message(() -> with(Map.of("de", new Words("de", "A", ""))).validate()))
                    .contains("de translation needs a description");
            assertThat(message(() -> with(Map.of("de", new Words("de", "A".repeat(201), "B"))).validate()))
                    .contains("de label is longer than 200");
            assertThat(message(() -> with(Map.of("de", new Words("de", "A", "B"), "DE",
                    new Words("DE", "C", "D"))).validate())).contains("de is given twice");
        }

        @Test
        @DisplayName("then a purpose without a description may have translations without one")
        void noDescription() {
            Purpose bare = new Purpose("bare", "Bare", "", null, Mechanism.OPT_IN, List.of(), 1, false, true, false);
            assertThat(bare.withTranslations(Map.of("de", new Words("de", "Nackt", ""))).validate().translations())
                    .containsOnlyKeys("de");
        }
    }

    @Nested
    @DisplayName("given the catalog is edited")
    class Catalog {
        final InMemory.Catalog catalog = new InMemory.Catalog();
        final InMemory.Texts texts = new InMemory.Texts();
        final CatalogService service = new CatalogService(catalog, texts, InMemory.CLOCK);
        final Actor admin = new Actor("admin-id", "admin", Actor.Kind.ADMIN);

        @Test
        @DisplayName("then a changed German text needs its kind like any text change, and a correction archives every"
                + " language under the same version")
        void germanChange() {
            service.create(NEWS, admin);
            Purpose fixed = NEWS.withTranslations(Map.of("de", new Words("de", "Neuigkeiten!", "Neues per E-Mail.")));

            assertThat(message(() -> service.update("news", fixed, null, admin))).contains("material");
            Purpose corrected = service.update("news", fixed, ChangeKind.CORRECTION, admin);

            assertThat(corrected.version()).isEqualTo(1);
            assertThat(texts.all()).hasSize(2);
            PurposeTexts.Text archived = texts.all().get(1);
            assertThat(archived.kind()).isEqualTo(PurposeTexts.Kind.CORRECTION);
            assertThat(archived.words("de", "en").label()).isEqualTo("Neuigkeiten!");
            assertThat(texts.all().get(0).words("de-CH", "en").label()).as("the first text had de-CH")
                    .isEqualTo("Neuigkeiten (CH)");
            assertThat(archived.words("de-CH", "en").label()).as("now de-CH readers get de").isEqualTo("Neuigkeiten!");
        }

        @Test
        @DisplayName("then a material change of one language raises the version")
        void material() {
            service.create(NEWS, admin);
            Purpose next = service.update("news", NEWS.withTranslations(Map.of("de",
                    new Words("de", "Neuigkeiten", "Neues per E-Mail und SMS."))), ChangeKind.MATERIAL, admin);
            assertThat(next.version()).isEqualTo(2);
            assertThat(texts.all().get(1).at()).isEqualTo(NOW.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        }
    }
}
