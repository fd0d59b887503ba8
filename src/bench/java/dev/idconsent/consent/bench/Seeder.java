package dev.idconsent.consent.bench;

import dev.idconsent.consent.it.Database;

/**
 * Many users in seconds: set-based {@code INSERT … SELECT} over a number series inside the database
 * ({@code generate_series} on PostgreSQL, {@code SYSTEM_RANGE} on H2), straight into Keycloak's USER_ENTITY and
 * USER_ATTRIBUTE and the plugin's IDC_CHOICE_HISTORY and IDC_CHOICE, while the server runs (new rows are in no
 * cache yet). User n is {@code bench<n>} with id {@code bench-000…n} and an email address; every 10th opted out of
 * the newsletter, every 2nd said yes to analytics (one history row and one current row per answer); the others
 * carry the attribute {@code bench-newsletter=subscribed}, so Keycloak's own search can answer the audience
 * question. For the regional audience ({@code bench-ads}, rules for three regions) a quarter each lives in {@code DE},
 * {@code US-CA}, {@code US-NY} (attribute {@code country}) or has no code; every 5th said no to it, every 3rd yes. Every 3rd said
 * yes to {@code bench-digest} by email, a quarter of them each with the frequency daily, monthly, weekly or none. No credentials, no summary attribute (rebuilt on first use); the seeded users never log in.
 */
final class Seeder {
    record Result(int users, long millis, long historyRows) {
    }

    private final Database db;

    Seeder(Database db) {
        this.db = db;
    }

    Result seed(String realmName, int users) {
        long start = System.nanoTime();
        String realmId = db.text("select ID from REALM where NAME = ?", realmName);
        boolean postgres = db.kind().equals("postgres");
        String series = postgres ? "(select g as n from generate_series(1, " + users + ") g) s"
                : "(select X as n from SYSTEM_RANGE(1, " + users + ")) s";
        String id = "'bench-' || LPAD(CAST(n AS VARCHAR), 30, '0')";
        long now = System.currentTimeMillis();
        Report.log("seeding " + users + " users into " + db.kind());
        db.execute("insert into USER_ENTITY (ID, EMAIL, EMAIL_CONSTRAINT, EMAIL_VERIFIED, ENABLED, FIRST_NAME,"
                + " LAST_NAME, REALM_ID, USERNAME, CREATED_TIMESTAMP, NOT_BEFORE) select " + id + ", 'bench' || CAST(n"
                + " AS VARCHAR) || '@example.com', 'bench' || CAST(n AS VARCHAR) || '@example.com', TRUE, TRUE,"
                + " 'Bench', 'User', ?, 'bench' || CAST(n AS VARCHAR), ?, 0 from " + series, realmId, now);
        db.execute("insert into USER_ATTRIBUTE (ID, NAME, VALUE, USER_ID) select 'bench-a-' || LPAD(CAST(n AS"
                + " VARCHAR), 28, '0'), 'bench-newsletter', 'subscribed', " + id + " from " + series
                + " where MOD(n, 10) <> 0");
        db.execute("insert into USER_ATTRIBUTE (ID, NAME, VALUE, USER_ID) select 'bench-r-' || LPAD(CAST(n AS"
                + " VARCHAR), 28, '0'), 'country', case MOD(n, 4) when 0 then 'DE' when 1 then 'US-CA' else 'US-NY'"
                + " end, " + id + " from " + series + " where MOD(n, 4) <> 3");
        String history = "insert into IDC_CHOICE_HISTORY (REALM_ID, USER_ID, PURPOSE_KEY, CHANNEL, PURPOSE_VERSION,"
                + " STATE, VIA, ACTOR_USERNAME, ACTOR_KIND, CREATED_AT) select ?, " + id + ", ?, ?, 1, ?, 'import',"
                + " 'bench-seed', 'admin', ? from " + series + " where MOD(n, ?) = 0";
        db.execute(history, realmId, "newsletter", "email", "denied", now, 10);
        db.execute(history, realmId, "analytics", "-", "granted", now, 2);
        db.execute(history, realmId, "bench-ads", "-", "denied", now, 5);
        db.execute(history + " and MOD(n, 5) <> 0", realmId, "bench-ads", "-", "granted", now, 3);
        // bench-digest: every 3rd said yes; of them a quarter each chose daily, monthly, weekly, or none (the default)
        db.execute("insert into IDC_CHOICE_HISTORY (REALM_ID, USER_ID, PURPOSE_KEY, CHANNEL, PURPOSE_VERSION, STATE,"
                + " VIA, ACTOR_USERNAME, ACTOR_KIND, CREATED_AT, FREQUENCY) select ?, " + id + ", 'bench-digest',"
                + " 'email', 1, 'granted', 'import', 'bench-seed', 'admin', ?, case MOD(n, 4) when 0 then 'daily'"
                + " when 1 then 'monthly' when 2 then 'weekly' else null end from " + series + " where MOD(n, 3) = 0",
                realmId, now);
        db.execute("insert into IDC_CHOICE (ID, REALM_ID, USER_ID, PURPOSE_KEY, CHANNEL, STATE, PURPOSE_VERSION, VIA,"
                + " ACTOR_USERNAME, ACTOR_KIND, CHANGED_AT, HISTORY_ID, FREQUENCY) select 'bench-c-' || CAST(h.ID AS"
                + " VARCHAR), h.REALM_ID, h.USER_ID, h.PURPOSE_KEY, h.CHANNEL, h.STATE, h.PURPOSE_VERSION, h.VIA,"
                + " h.ACTOR_USERNAME, h.ACTOR_KIND, h.CREATED_AT, h.ID, h.FREQUENCY from IDC_CHOICE_HISTORY h"
                + " where h.ACTOR_USERNAME = 'bench-seed'");
        if (postgres) {
            // fresh planner statistics, as autovacuum would give them a little later
            db.execute("analyze");
        }
        long historyRows = db.count("select count(*) from IDC_CHOICE_HISTORY where ACTOR_USERNAME = 'bench-seed'");
        Result result = new Result(users, (System.nanoTime() - start) / 1_000_000, historyRows);
        Report.log(String.format(java.util.Locale.ROOT, "seeded %d users and %d history rows in %.1f s", users,
                historyRows, result.millis() / 1000.0));
        return result;
    }
}
