// A measuring probe, not part of the service: benchmarks/probe_store_cost.py compiles it
// against the local server's jars and loads it as a plugin of a throwaway server. It
// writes ties through Neo4j's Java API, without Cypher, stopping after a given step, to
// show where the time of a bulk import goes (docs/import.md, "Speed").
package graphservice.probe;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

public class StoreCostProbe {
    @Context public Transaction tx;

    public static class Count {
        public long written;

        public Count(long written) {
            this.written = written;
        }
    }

    /** A Cypher list as a Neo4j array property (the service's lists are strings or floats). */
    private static Object value(Object v) {
        if (!(v instanceof List<?> list)) {
            return v;
        }
        if (list.isEmpty() || list.get(0) instanceof String) {
            return list.toArray(new String[0]);
        }
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).doubleValue();
        }
        return out;
    }

    /**
     * Rows as the service's import sends them ({id, source, target, props}), up to step
     * "noop" (the rows only reach Java), "lookup" (find both ends), "create" (and create
     * the relationship) or "props" (and set its properties: a whole import of new ties).
     */
    @Procedure(name = "graphservice.probe.writeTies", mode = Mode.WRITE)
    public Stream<Count> writeTies(
            @Name("type") String type,
            @Name("rows") List<Map<String, Object>> rows,
            @Name("step") String step) {
        RelationshipType relType = RelationshipType.withName(type);
        Label entity = Label.label("Entity");
        long written = 0;
        for (Map<String, Object> row : rows) {
            written++;
            if (step.equals("noop")) {
                continue;
            }
            Node source = tx.findNode(entity, "id", row.get("source"));
            Node target = tx.findNode(entity, "id", row.get("target"));
            if (source == null || target == null) {
                throw new IllegalArgumentException("no node for an end of tie " + row.get("id"));
            }
            if (step.equals("lookup")) {
                continue;
            }
            Relationship tie = source.createRelationshipTo(target, relType);
            if (step.equals("create")) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> props = (Map<String, Object>) row.get("props");
            for (Map.Entry<String, Object> entry : props.entrySet()) {
                if (entry.getValue() != null) {
                    tie.setProperty(entry.getKey(), value(entry.getValue()));
                }
            }
        }
        return Stream.of(new Count(written));
    }
}
