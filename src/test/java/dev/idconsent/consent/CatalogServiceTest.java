package dev.idconsent.consent;

import static dev.idconsent.consent.InMemory.NOW;
import static dev.idconsent.consent.InMemory.refusal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.idconsent.consent.CatalogService.ChangeKind;
import dev.idconsent.consent.PurposeTexts.Kind;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("CatalogService: keys are immutable, text changes are material or corrections, nothing is deleted")
class CatalogServiceTest {
    static final Actor ADMIN = new Actor("admin-id", "admin", Actor.Kind.ADMIN);

    final InMemory.Catalog catalog = new InMemory.Catalog();
    final InMemory.Texts texts = new InMemory.Texts();
    final CatalogService service = new CatalogService(catalog, texts, InMemory.CLOCK);

    /** A draft as the admin API would pass it; {@code key} may be null on update. */
    static Purpose draft(String key, String label, String description, Mechanism mechanism) {
        return new Purpose(key, label, description, "marketing", mechanism, List.of("email"), 1, false, true, false);
    }

    static Purpose newsletter() {
        return draft("newsletter", "Newsletter", "Monthly news", Mechanism.OPT_OUT);
    }

    Purpose stored(String key) {
        return catalog.find(key).orElseThrow();
    }

    @Nested
    @DisplayName("given a purpose is created")
    class Create {
        @Test
        @DisplayName("then it is saved at version 1, active, and its text is archived as CREATED")
        void created() {
            Purpose draft = new Purpose("newsletter", "Newsletter", "Monthly news", null, Mechanism.OPT_OUT,
                    List.of("email"), 7, true, true, true);

            Purpose created = service.create(draft, ADMIN);

            assertThat(created).isEqualTo(stored("newsletter"));
            assertThat(created.version()).isEqualTo(1);
            assertThat(created.retired()).isFalse();
            assertThat(created.category()).isEqualTo(Purpose.DEFAULT_CATEGORY);
            assertThat(texts.all()).containsExactly(
                    new PurposeTexts.Text("newsletter", 1, "Newsletter", "Monthly news", List.of(),
                            LegalBasis.LEGITIMATE_INTEREST, java.util.Map.of(), Kind.CREATED, "admin-id",
                            NOW.truncatedTo(java.time.temporal.ChronoUnit.MILLIS)));
        }

        static Stream<String> badKeys() {
            return Stream.of("", "Newsletter", "news letter", "news--letter", "-news", "news_letter",
                    "a".repeat(Purpose.MAX_KEY + 1));
        }

        @ParameterizedTest(name = "[{index}] key \"{0}\"")
        @MethodSource("badKeys")
        @DisplayName("with a key that is not a lower-case slug of at most 64 characters, "
                + "then INVALID_PURPOSE naming the key")
        void badKey(String key) {
            ConsentException refused = refusal(
                    () -> service.create(draft(key, "Newsletter", "", Mechanism.OPT_OUT), ADMIN));

            assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_PURPOSE);
            assertThat(refused.getMessage()).startsWith("key ");
            assertThat(catalog.all()).isEmpty();
            assertThat(texts.all()).isEmpty();
        }

        @Test
        @DisplayName("with a key of exactly 64 characters, then it is accepted")
        void longestKey() {
            String key = "a".repeat(Purpose.MAX_KEY);
            assertThat(service.create(draft(key, "Long", "", Mechanism.OPT_IN), ADMIN).key()).isEqualTo(key);
        }

        @Test
        @DisplayName("with a key that exists, also retired, then PURPOSE_EXISTS and nothing changes")
        void duplicate() {
            service.create(newsletter(), ADMIN);
            service.retire("newsletter", true);

            ConsentException refused = refusal(
                    () -> service.create(draft("newsletter", "Other", "", Mechanism.OPT_IN), ADMIN));

            assertThat(refused.code()).isEqualTo(ErrorCode.PURPOSE_EXISTS);
            assertThat(stored("newsletter").label()).isEqualTo("Newsletter");
            assertThat(texts.all()).hasSize(1);
        }
    }

    @Nested
    @DisplayName("given an existing purpose is updated")
    class Update {
        @BeforeEach
        void existing() {
            service.create(newsletter(), ADMIN);
        }

        @Test
        @DisplayName("with a new text but no change kind, then CHANGE_KIND_REQUIRED and nothing changes")
        void kindRequiredForText() {
            assertThat(refusal(() -> service.update("newsletter",
                    draft(null, "Weekly newsletter", "Monthly news", Mechanism.OPT_OUT), null, ADMIN)).code())
                    .isEqualTo(ErrorCode.CHANGE_KIND_REQUIRED);
            assertThat(stored("newsletter")).isEqualTo(newsletter());
            assertThat(texts.all()).hasSize(1);
        }

        @Test
        @DisplayName("with a new mechanism but no change kind, then CHANGE_KIND_REQUIRED")
        void kindRequiredForMechanism() {
            assertThat(refusal(() -> service.update("newsletter",
                    draft(null, "Newsletter", "Monthly news", Mechanism.OPT_IN), null, ADMIN)).code())
                    .isEqualTo(ErrorCode.CHANGE_KIND_REQUIRED);
        }

        @Test
        @DisplayName("as a material change, then the version goes up and the new text is archived beside the old")
        void material() {
            Purpose updated = service.update("newsletter",
                    draft(null, "Newsletter", "Weekly news", Mechanism.OPT_OUT), ChangeKind.MATERIAL, ADMIN);

            assertThat(updated.version()).isEqualTo(2);
            assertThat(stored("newsletter")).isEqualTo(updated);
            assertThat(texts.of("newsletter")).extracting(PurposeTexts.Text::version, PurposeTexts.Text::description,
                    PurposeTexts.Text::kind).containsExactly(
                    tuple(1, "Monthly news", Kind.CREATED),
                    tuple(2, "Weekly news", Kind.MATERIAL));
        }

        @Test
        @DisplayName("as a correction, then the version stays and the corrected text is archived on it")
        void correction() {
            Purpose updated = service.update("newsletter",
                    draft(null, "Newsletter", "Monthly news.", Mechanism.OPT_OUT), ChangeKind.CORRECTION, ADMIN);

            assertThat(updated.version()).isEqualTo(1);
            assertThat(stored("newsletter").description()).isEqualTo("Monthly news.");
            assertThat(texts.of("newsletter")).extracting(PurposeTexts.Text::version, PurposeTexts.Text::description,
                    PurposeTexts.Text::kind, PurposeTexts.Text::actorId).containsExactly(
                    tuple(1, "Monthly news", Kind.CREATED, "admin-id"),
                    tuple(1, "Monthly news.", Kind.CORRECTION, "admin-id"));
        }

        @Test
        @DisplayName("with a new mechanism as a correction, then INVALID_REQUEST and nothing changes")
        void mechanismAsCorrection() {
            assertThat(refusal(() -> service.update("newsletter",
                    draft(null, "Newsletter", "Monthly news", Mechanism.OPT_IN), ChangeKind.CORRECTION, ADMIN)).code())
                    .isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(stored("newsletter").mechanism()).isEqualTo(Mechanism.OPT_OUT);
        }

        @Test
        @DisplayName("with a new mechanism as a material change, then it is saved on a new version")
        void mechanismAsMaterial() {
            Purpose updated = service.update("newsletter",
                    draft(null, "Newsletter", "Monthly news", Mechanism.OPT_IN), ChangeKind.MATERIAL, ADMIN);

            assertThat(updated).extracting(Purpose::mechanism, Purpose::version).containsExactly(Mechanism.OPT_IN, 2);
            assertThat(texts.of("newsletter")).extracting(PurposeTexts.Text::kind)
                    .containsExactly(Kind.CREATED, Kind.MATERIAL);
        }

        @Test
        @DisplayName("with another key, then INVALID_PURPOSE and nothing changes")
        void keyChange() {
            assertThat(refusal(() -> service.update("newsletter",
                    draft("news", "Newsletter", "Monthly news", Mechanism.OPT_OUT), null, ADMIN)).code())
                    .isEqualTo(ErrorCode.INVALID_PURPOSE);
            assertThat(catalog.all()).extracting(Purpose::key).containsExactly("newsletter");
        }

        @Test
        @DisplayName("with only settings besides text and mechanism, "
                + "then no change kind is needed and no text is archived")
        void settingsOnly() {
            Purpose draft = new Purpose(null, "Newsletter", "Monthly news", "news", Mechanism.OPT_OUT,
                    List.of("email"), 1, true, false, false);

            Purpose updated = service.update("newsletter", draft, null, ADMIN);

            assertThat(stored("newsletter")).isEqualTo(updated);
            assertThat(updated).extracting(Purpose::category, Purpose::channels, Purpose::honorGpc,
                    Purpose::includeInToken, Purpose::version)
                    .containsExactly("news", List.of("email"), true, false, 1);
            assertThat(texts.all()).hasSize(1);
        }

        @Test
        @DisplayName("with nothing different, then nothing is saved or archived")
        void unchanged() {
            int saves = catalog.saves();

            service.update("newsletter", newsletter(), ChangeKind.CORRECTION, ADMIN);

            assertThat(catalog.saves()).isEqualTo(saves);
            assertThat(texts.all()).hasSize(1);
        }

        @Test
        @DisplayName("while retired, then it stays retired whatever the draft says")
        void staysRetired() {
            service.retire("newsletter", true);

            Purpose updated = service.update("newsletter",
                    draft(null, "Newsletter", "Monthly news.", Mechanism.OPT_OUT), ChangeKind.CORRECTION, ADMIN);

            assertThat(updated.retired()).isTrue();
        }

        @Test
        @DisplayName("with an unknown key, then NOT_FOUND")
        void unknown() {
            assertThat(refusal(() -> service.update("no-such", newsletter(), ChangeKind.MATERIAL, ADMIN)).code())
                    .isEqualTo(ErrorCode.NOT_FOUND);
        }
    }

    @Nested
    @DisplayName("given what the processing rests on and who gets the data")
    class Processing {
        @Test
        @DisplayName("with no legal basis, then the mechanism's default: consent, legitimate interest, contract")
        void defaults() {
            assertThat(List.of(Mechanism.OPT_IN, Mechanism.OPT_OUT, Mechanism.REQUIRED)).extracting(
                    m -> draft("x", "X", "", m).legalBasis()).containsExactly(LegalBasis.CONSENT,
                    LegalBasis.LEGITIMATE_INTEREST, LegalBasis.CONTRACT);
        }

        @Test
        @DisplayName("consent for an opt-out or required purpose, then INVALID_PURPOSE naming why, nothing saved")
        void consentNeedsOptIn() {
            ConsentException optOut = refusal(() -> service.create(newsletter().withProcessing(LegalBasis.CONSENT,
                    null, List.of()), ADMIN));
            assertThat(optOut.code()).isEqualTo(ErrorCode.INVALID_PURPOSE);
            assertThat(optOut.getMessage()).contains("opt-out", "a default yes is not consent", "legitimate-interest");
            assertThat(refusal(() -> service.create(draft("terms", "Terms", "", Mechanism.REQUIRED)
                    .withProcessing(LegalBasis.CONSENT, null, List.of()), ADMIN)).getMessage())
                    .contains("required", "not freely given");
            assertThat(catalog.all()).isEmpty();
            assertThat(texts.all()).isEmpty();
        }

        @Test
        @DisplayName("then type and recipients are kept, and the archived text holds the recipients and the basis")
        void archived() {
            Purpose created = service.create(newsletter().withProcessing(LegalBasis.LEGITIMATE_INTEREST,
                    "dpv:DirectMarketing", List.of(" Acme Mail Ltd ", "Partner GmbH")), ADMIN);

            assertThat(stored("newsletter")).isEqualTo(created);
            assertThat(created.recipients()).containsExactly("Acme Mail Ltd", "Partner GmbH");
            assertThat(texts.all()).extracting(PurposeTexts.Text::recipients, PurposeTexts.Text::legalBasis)
                    .containsExactly(tuple(List.of("Acme Mail Ltd", "Partner GmbH"), LegalBasis.LEGITIMATE_INTEREST));
        }

        @ParameterizedTest
        @ValueSource(strings = {"Marketing", "dpv:", "dpv: Marketing", "https://w3id.org/dpv#Marketing", "DPV:Marketing"})
        @DisplayName("with a purpose type that is not a compact IRI like dpv:Marketing, then INVALID_PURPOSE")
        void badType(String type) {
            assertThat(refusal(() -> service.create(newsletter().withProcessing(null, type, List.of()), ADMIN))
                    .getMessage()).contains("purposeType", "dpv:Marketing");
        }

        @Test
        @DisplayName("with empty, repeated, multi-line or too many recipients, then INVALID_PURPOSE naming it")
        void badRecipients() {
            assertThat(refusal(() -> service.create(newsletter().withProcessing(null, null, List.of(" ")), ADMIN))
                    .getMessage()).contains("not empty");
            assertThat(refusal(() -> service.create(newsletter().withProcessing(null, null, List.of("A", "A")),
                    ADMIN)).getMessage()).contains("must not repeat");
            assertThat(refusal(() -> service.create(newsletter().withProcessing(null, null, List.of("A\nB")),
                    ADMIN)).getMessage()).contains("line breaks");
            List<String> many = java.util.stream.IntStream.rangeClosed(1, 21).mapToObj(i -> "R" + i).toList();
            assertThat(refusal(() -> service.create(newsletter().withProcessing(null, null, many), ADMIN))
                    .getMessage()).contains("at most 20");
            assertThat(catalog.all()).isEmpty();
        }

        @Test
        @DisplayName("a new recipient needs a change kind; as material it raises the version, as correction not")
        void recipientsAreText() {
            service.create(newsletter(), ADMIN);
            Purpose shared = newsletter().withProcessing(null, null, List.of("Partner GmbH"));

            assertThat(refusal(() -> service.update("newsletter", shared, null, ADMIN)).code())
                    .isEqualTo(ErrorCode.CHANGE_KIND_REQUIRED);
            assertThat(service.update("newsletter", shared, ChangeKind.MATERIAL, ADMIN).version()).isEqualTo(2);
            assertThat(texts.of("newsletter")).extracting(PurposeTexts.Text::version, PurposeTexts.Text::recipients)
                    .containsExactly(tuple(1, List.of()), tuple(2, List.of("Partner GmbH")));
        }

        @Test
        @DisplayName("a new legal basis is always material: as a correction INVALID_REQUEST, as material a new version")
        void basisIsMaterial() {
            service.create(newsletter(), ADMIN);
            Purpose contract = newsletter().withProcessing(LegalBasis.CONTRACT, null, List.of());

            assertThat(refusal(() -> service.update("newsletter", contract, ChangeKind.CORRECTION, ADMIN))
                    .getMessage()).contains("legal basis", "always a material change");
            assertThat(stored("newsletter").legalBasis()).isEqualTo(LegalBasis.LEGITIMATE_INTEREST);
            assertThat(service.update("newsletter", contract, ChangeKind.MATERIAL, ADMIN))
                    .extracting(Purpose::legalBasis, Purpose::version).containsExactly(LegalBasis.CONTRACT, 2);
        }

        @Test
        @DisplayName("a new purpose type alone needs no change kind and keeps the version")
        void typeIsNotText() {
            service.create(newsletter(), ADMIN);
            assertThat(service.update("newsletter", newsletter().withProcessing(null, "dpv:Marketing", List.of()),
                    null, ADMIN)).extracting(Purpose::purposeType, Purpose::version).containsExactly("dpv:Marketing", 1);
            assertThat(texts.all()).hasSize(1);
        }
    }

    @Nested
    @DisplayName("given a purpose is retired")
    class Retire {
        @BeforeEach
        void existing() {
            service.create(newsletter(), ADMIN);
        }

        @Test
        @DisplayName("then it is kept, marked retired, on the same version and text")
        void retired() {
            service.retire("newsletter", true);

            assertThat(stored("newsletter")).isEqualTo(newsletter().withRetired(true));
            assertThat(texts.all()).hasSize(1);
        }

        @Test
        @DisplayName("and reinstated, then it is active again")
        void reinstated() {
            service.retire("newsletter", true);
            service.retire("newsletter", false);

            assertThat(stored("newsletter").retired()).isFalse();
        }

        @Test
        @DisplayName("twice, then the second call saves nothing")
        void twice() {
            service.retire("newsletter", true);
            int saves = catalog.saves();

            assertThat(service.retire("newsletter", true).retired()).isTrue();
            assertThat(catalog.saves()).isEqualTo(saves);
        }

        @Test
        @DisplayName("with an unknown key, then NOT_FOUND")
        void unknown() {
            assertThat(refusal(() -> service.retire("no-such", true)).code()).isEqualTo(ErrorCode.NOT_FOUND);
        }
    }

    @Nested
    @DisplayName("given a change kind is parsed")
    class ParseKind {
        @Test
        @DisplayName("\"material\", \"correction\" or none, then that kind")
        void known() {
            assertThat(ChangeKind.fromValue("material")).isEqualTo(ChangeKind.MATERIAL);
            assertThat(ChangeKind.fromValue("correction")).isEqualTo(ChangeKind.CORRECTION);
            assertThat(ChangeKind.fromValue(null)).isNull();
        }

        @Test
        @DisplayName("anything else, then INVALID_REQUEST")
        void unknown() {
            assertThat(refusal(() -> ChangeKind.fromValue("major")).code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        }
    }
}
