package dev.idconsent.consent.it;

/**
 * Two production-mode Keycloak nodes clustered over one fresh PostgreSQL database (profile {@code reliability}):
 * node A imports the demo realm, node B joins with A's hostname (tokens of one node must be valid at the other).
 * The fixture of {@link ClusterRT} and {@link WebhooksClusterRT}.
 */
final class TwoNodes implements AutoCloseable {
    final Database db;
    final ClusterNode a;
    final ClusterNode b;

    private TwoNodes(Database db, ClusterNode a, ClusterNode b) {
        this.db = db;
        this.a = a;
        this.b = b;
    }

    /**
     * @param database the database's name, or {@code null} for {@code it.db.name}
     * @param prefix   the nodes are {@code <prefix>-a} and {@code <prefix>-b}
     */
    static TwoNodes start(String database, String prefix) throws Exception {
        Database db = database == null ? Database.forRun("postgres", null) : named(database);
        db.recreate(null);
        ClusterNode a = new ClusterNode(prefix + "-a", db).importRealm().start();
        ClusterNode b = new ClusterNode(prefix + "-b", db).hostname(a.baseUrl()).start();
        return new TwoNodes(db, a, b);
    }

    private static Database named(String name) throws Exception {
        String previous = System.getProperty("it.db.name");
        System.setProperty("it.db.name", name);
        try {
            return Database.forRun("postgres", null);
        } finally {
            if (previous == null) {
                System.clearProperty("it.db.name");
            } else {
                System.setProperty("it.db.name", previous);
            }
        }
    }

    @Override
    public void close() {
        for (ClusterNode node : new ClusterNode[] {b, a}) {
            if (node != null) {
                node.close();
            }
        }
    }
}
