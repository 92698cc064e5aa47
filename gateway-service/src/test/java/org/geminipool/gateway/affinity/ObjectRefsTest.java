package org.geminipool.gateway.affinity;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.geminipool.contract.affinity.ObjectKind;
import org.geminipool.contract.affinity.StoredObject;
import org.geminipool.gateway.http.PassCall;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The references a request names (path and body) and the pin decided from a lookup. */
class ObjectRefsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pathsNameTheirObject() {
        assertEquals("files/abc", ObjectRefs.inPath("/v1beta/files/abc"));
        assertEquals("files/abc", ObjectRefs.inPath("/v1beta/files/abc:download"));
        assertEquals("files/abc", ObjectRefs.inPath("/download/v1beta/files/abc:download"));
        assertEquals("cachedContents/c1", ObjectRefs.inPath("/v1beta/cachedContents/c1"));
        assertEquals("batches/b1", ObjectRefs.inPath("/v1beta/batches/b1:cancel"));
        assertEquals("interactions/i1", ObjectRefs.inPath("/v1beta/interactions/i1/cancel"));
        assertEquals("models/veo-3.1-generate-preview/operations/op1",
                ObjectRefs.inPath("/v1beta/models/veo-3.1-generate-preview/operations/op1"));
        assertEquals("fileSearchStores/s1", ObjectRefs.inPath("/upload/v1beta/fileSearchStores/s1:uploadToFileSearchStore"));
        assertEquals("fileSearchStores/s1/documents/d1", ObjectRefs.inPath("/v1beta/fileSearchStores/s1/documents/d1"));
        assertEquals("fileSearchStores/s1", ObjectRefs.ownerName("fileSearchStores/s1/documents/d1"));
        assertNull(ObjectRefs.inPath("/v1beta/files"));
        assertNull(ObjectRefs.inPath("/upload/v1beta/files"));
        assertNull(ObjectRefs.inPath("/v1beta/models/gemini-3.8-flash:batchGenerateContent"));
        assertNull(ObjectRefs.inPath("/v1beta/someNewResource/x"));
        assertEquals("files", ObjectRefs.listedCollection("/v1beta/files"));
        assertNull(ObjectRefs.listedCollection("/v1beta/interactions"));
    }

    @Test
    void bodiesNameFilesCachesInteractionsAndStoresButNeverInText() throws Exception {
        Set<String> refs = ObjectRefs.inBody(JSON.readTree("""
                {"contents":[{"parts":[
                   {"text":"see files/not-a-reference and cachedContents/nor-this"},
                   {"fileData":{"fileUri":"https://generativelanguage.googleapis.com/v1beta/files/f1"}},
                   {"file_data":{"file_uri":"files/f2"}},
                   {"fileData":{"fileUri":"https://www.youtube.com/watch?v=x"}},
                   {"fileData":{"fileUri":"gs://bucket/x"}},
                   {"video":{"uri":"http://127.0.0.1:9/v1beta/files/f3:download?alt=media"}}]}],
                 "cachedContent":"cachedContents/c1",
                 "previous_interaction_id":"i1",
                 "batch":{"inputConfig":{"fileName":"files/f4"}},
                 "tools":[{"fileSearch":{"fileSearchStoreNames":["fileSearchStores/s1"]}}]}
                """));
        assertEquals(Set.of("files/f1", "files/f2", "files/f3", "cachedContents/c1", "interactions/i1", "files/f4",
                "fileSearchStores/s1"), refs);
        assertTrue(ObjectRefs.inBody(JSON.readTree("{\"fileData\":{\"fileUri\":\"files/../x\"}}")).isEmpty());
        assertTrue(ObjectRefs.inBody(null).isEmpty());
    }

    @Test
    void aPinIsOneProjectOrAClearRefusal() {
        Map<String, String> two = new LinkedHashMap<>();
        two.put("files/a", "files/a");
        two.put("cachedContents/b", "cachedContents/b");
        StoredObject a = new StoredObject("files/a", "FILE", "1", "p1", "owner1", null);
        StoredObject b = new StoredObject("cachedContents/b", "CACHE", "2", "p2", "owner1", null);
        StoredObject b1 = new StoredObject("cachedContents/b", "CACHE", "3", "p1", "owner1", null);
        Affinity.Pin pin = Affinity.decide(two, List.of(a, b1), "owner1");
        assertEquals("p1", assertInstanceOf(Affinity.Pin.Project.class, pin).project());
        Affinity.Pin.Refused twoProjects = assertInstanceOf(Affinity.Pin.Refused.class,
                Affinity.decide(two, List.of(a, b), "owner1"));
        assertEquals(400, twoProjects.status());
        Affinity.Pin.Refused foreign = assertInstanceOf(Affinity.Pin.Refused.class,
                Affinity.decide(two, List.of(a, b1), "owner2"));
        assertEquals(404, foreign.status());
        Affinity.Pin.Refused unknown = assertInstanceOf(Affinity.Pin.Refused.class,
                Affinity.decide(two, List.of(a), "owner1"));
        assertTrue(unknown.message().startsWith("cachedContents/b is not known"), unknown.message());
        // A key-less chunk takes the upload's owner.
        Map<String, String> upload = Map.of("uploads/u1", "uploads/u1");
        Affinity.Pin.Project chunk = assertInstanceOf(Affinity.Pin.Project.class, Affinity.decide(upload,
                List.of(new StoredObject("uploads/u1", "UPLOAD", "1", "p1", "owner9", null)), null));
        assertEquals("owner9", chunk.owner());
    }

    @Test
    void openAiCompatiblePathsAndBodiesNameTheirObjects() throws Exception {
        assertEquals("files/f1", ObjectRefs.inPath("/v1beta/openai/files/files/f1"));
        assertEquals("files/f1", ObjectRefs.inPath("/v1beta/openai/files/files/f1/content"));
        assertEquals("files/f1", ObjectRefs.inPath("/v1beta/openai/files/f1/content"));
        assertEquals("batches/b1", ObjectRefs.inPath("/v1beta/openai/batches/batches/b1/cancel"));
        assertEquals("batches/b1", ObjectRefs.inPath("/v1beta/openai/batches/b1"));
        assertEquals("videos/v1", ObjectRefs.inPath("/v1beta/openai/videos/v1/content"));
        assertNull(ObjectRefs.inPath("/v1beta/openai/files"));
        assertNull(ObjectRefs.inPath("/v1beta/openai/videos"));
        assertNull(ObjectRefs.inPath("/v1beta/openai/videos/edits"));
        assertNull(ObjectRefs.inPath("/v1beta/openai/chat/completions"));
        assertEquals(ObjectKind.FILE, ObjectRefs.openAiListed("/v1beta/openai/files"));
        assertEquals(ObjectKind.VIDEO, ObjectRefs.openAiListed("/v1beta/openai/videos"));
        assertNull(ObjectRefs.openAiListed("/v1beta/openai/files/files/f1"));
        assertNull(ObjectRefs.listedCollection("/v1beta/openai/files"));
        assertEquals(Set.of("files/in1", "files/f2", "files/f3"), ObjectRefs.inBody(JSON.readTree("""
                {"input_file_id":"files/in1","messages":[{"content":[{"type":"text","text":"files/not-this"},
                 {"type":"file","file":{"file_id":"files/f2"}},{"type":"file","file":{"file_id":"f3"}}]}]}
                """)));
        // The openai Node SDK's encoded ids are read (and forwarded) in their plain form; nothing else is decoded.
        assertEquals("/v1beta/openai/files/files/f1/content", PassCall.canonical("/v1beta/openai/files/files%2Ff1/content"));
        assertEquals("/v1beta/openai/batches/batches/b1:x", PassCall.canonical("/v1beta/openai/batches/batches%2fb1%3Ax"));
        assertEquals("/v1beta/openai/files/batches%2Fb1", PassCall.canonical("/v1beta/openai/files/batches%2Fb1"));
        assertEquals("/v1beta/foo%2Fbar", PassCall.canonical("/v1beta/foo%2Fbar"));
    }
}
