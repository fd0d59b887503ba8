package dev.idconsent.consent;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * Catalog rules shared by the admin API and every other way a purpose is edited: keys are immutable slugs;
 * a text change is either material (new version, old text kept) or a correction (same version); retired
 * purposes are hidden, never deleted.
 */
public final class CatalogService {
    /** How an edit is to be recorded. */
    public enum ChangeKind {
        MATERIAL, CORRECTION;

        public static ChangeKind fromValue(String value) {
            if (value == null) {
                return null;
            }
            return switch (value) {
                case "material" -> MATERIAL;
                case "correction" -> CORRECTION;
                default -> throw new ConsentException(ErrorCode.INVALID_REQUEST,
                        "change must be \"material\" or \"correction\", not '" + value + "'");
            };
        }
    }

    private final PurposeCatalog catalog;
    private final PurposeTexts texts;
    private final Clock clock;

    public CatalogService(PurposeCatalog catalog, PurposeTexts texts, Clock clock) {
        this.catalog = catalog;
        this.texts = texts;
        this.clock = clock;
    }

    public Purpose create(Purpose draft, Actor actor) {
        Purpose purpose = planCreate(draft);
        if (catalog.find(purpose.key()).isPresent()) {
            throw new ConsentException(ErrorCode.PURPOSE_EXISTS, "purpose '" + purpose.key()
                    + "' already exists (keys are never reused, also not after retirement)");
        }
        catalog.save(purpose);
        archive(null, purpose, actor);
        return purpose;
    }

    /**
     * @param kind required when the label, description, recipients, mechanism or legal basis change; a change of
     *             mechanism or legal basis is always material
     */
    public Purpose update(String key, Purpose draft, ChangeKind kind, Actor actor) {
        Purpose current = require(key);
        Purpose next = planUpdate(current, draft.withRetired(current.retired()), kind);
        if (next.equals(current)) {
            return current;
        }
        catalog.save(next);
        archive(current, next, actor);
        return next;
    }

    /** A new purpose as it enters the catalog: version 1, not retired, valid. */
    public static Purpose planCreate(Purpose draft) {
        return draft.withVersion(1).withRetired(false).validate();
    }

    /**
     * The catalog rules for an edit, shared by the admin API and the admin console's form: the key and channels
     * never change; a text or mechanism change needs its kind, and a material one raises the version.
     *
     * @param draft the edited purpose; its version is ignored, its retired flag taken
     */
    public static Purpose planUpdate(Purpose current, Purpose draft, ChangeKind kind) {
        String key = current.key();
        if (draft.key() != null && !draft.key().equals(key)) {
            throw new ConsentException(ErrorCode.INVALID_PURPOSE, "a purpose key cannot change (it is '" + key
                    + "'); create a new purpose instead");
        }
        if (!draft.channels().equals(current.channels())) {
            // answers are kept per channel: a changed list would orphan them (an opt-out could silently
            // turn back on), so the list is fixed like the key
            throw new ConsentException(ErrorCode.INVALID_PURPOSE, "the channels of '" + key + "' cannot change ("
                    + (current.channels().isEmpty() ? "it has none" : "they are " + String.join(", ",
                    current.channels())) + "); retire it and create a new purpose instead");
        }
        Purpose next = new Purpose(key, draft.label(), draft.description(), draft.category(), draft.mechanism(),
                draft.channels(), current.version(), draft.honorGpc(), draft.includeInToken(), draft.gating(),
                draft.askAtLogin(), draft.doubleOptIn(), draft.retired(), draft.renewAfter(), draft.legalBasis(),
                draft.purposeType(), draft.recipients(), draft.translations(), draft.regions(), draft.frequencies(),
                draft.defaultFrequency(), draft.pauses(), draft.organization()).validate();
        boolean textChanged = !next.sameText(current);
        // a region's mechanism is part of the mechanism: people there are asked again after a material change
        boolean mechanismChanged = next.mechanism() != current.mechanism() || !next.regions().equals(current.regions());
        boolean basisChanged = next.legalBasis() != current.legalBasis();
        if ((textChanged || mechanismChanged || basisChanged) && kind == null) {
            throw new ConsentException(ErrorCode.CHANGE_KIND_REQUIRED, "the text of '" + key
                    + "' changes: say whether it is \"material\" (users are asked again) or a \"correction\"");
        }
        if ((mechanismChanged || basisChanged) && kind == ChangeKind.CORRECTION) {
            throw new ConsentException(ErrorCode.INVALID_REQUEST, "changing the " + (mechanismChanged
                    ? "mechanism" : "legal basis") + " of '" + key + "' is always a material change");
        }
        return kind == ChangeKind.MATERIAL ? next.withVersion(current.version() + 1) : next;
    }

    /**
     * Archives the text a write put in force: a new purpose's first text, a material change's new version, or a
     * corrected text under the same version.
     */
    public void archive(Purpose before, Purpose after, Actor actor) {
        if (before == null) {
            append(after, PurposeTexts.Kind.CREATED, actor);
        } else if (after.version() > before.version()) {
            append(after, PurposeTexts.Kind.MATERIAL, actor);
        } else if (!after.sameText(before)) {
            append(after, PurposeTexts.Kind.CORRECTION, actor);
        }
    }

    public Purpose retire(String key, boolean retired) {
        Purpose current = require(key);
        if (current.retired() == retired) {
            return current;
        }
        Purpose next = current.withRetired(retired);
        catalog.save(next);
        return next;
    }

    public Purpose require(String key) {
        return catalog.find(Objects.requireNonNull(key)).orElseThrow(() -> new ConsentException(
                ErrorCode.NOT_FOUND, "there is no purpose '" + key + "' in this realm"));
    }

    private void append(Purpose purpose, PurposeTexts.Kind kind, Actor actor) {
        texts.append(new PurposeTexts.Text(purpose.key(), purpose.version(), purpose.label(), purpose.description(),
                purpose.recipients(), purpose.legalBasis(), purpose.translations(), kind, actor == null ? null : actor.id(),
                clock.instant().truncatedTo(ChronoUnit.MILLIS)));
    }
}
