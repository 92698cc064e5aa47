package org.geminipool.contract.affinity;

import java.util.List;

/** The keypool's answer to a lookup or a list: the objects it knows (unexpired), each with its project. */
public record StoredObjects(List<StoredObject> objects) {
}
