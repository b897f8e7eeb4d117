package org.slmlab.kernel.exec;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The rewriting the exit guard applies to library classes, checked on a class that really calls exit. */
class SnippetWeaverTest {

    private final SnippetWeaver weaver = new SnippetWeaver(ClassHierarchyResolver.defaultResolver());

    private static byte[] bytesOf(Class<?> type) throws IOException {
        try (InputStream in = type.getResourceAsStream(type.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    /** Loads rewritten bytes under the same name in a child loader, and calls a static method. */
    private static Throwable call(byte[] bytes, String method, Class<?>[] types, Object... args) throws Exception {
        ClassLoader loader = new ClassLoader(SnippetWeaverTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals(ExitingCode.class.getName())) {
                    return defineClass(name, bytes, 0, bytes.length);
                }
                return super.loadClass(name, resolve);
            }
        };
        Method m = loader.loadClass(ExitingCode.class.getName()).getMethod(method, types);
        InvocationTargetException e = assertThrows(InvocationTargetException.class, () -> m.invoke(null, args));
        return e.getCause();
    }

    @Test
    void exitCallsBecomeSystemExitCalled() throws Exception {
        byte[] woven = weaver.trapExitCalls(bytesOf(ExitingCode.class));
        assertNotNull(woven);
        Throwable exit = call(woven, "exit", new Class<?>[]{int.class}, 7);
        assertEquals(7, ((SystemExitCalled) exit).status());
        assertEquals(9, ((SystemExitCalled) call(woven, "halt", new Class<?>[0])).status());
    }

    @Test
    void classesWithoutExitAreLeftAlone() throws IOException {
        assertNull(weaver.trapExitCalls(bytesOf(SnippetWeaverTest.class)));
    }

    @Test
    void cellCodeAlsoGetsStopChecks() throws Exception {
        byte[] woven = weaver.weaveCell(bytesOf(ExitingCode.class));
        CellRunner runner = new CellRunner();
        runner.requestStop();
        try {
            // The check at method entry fires before the exit is reached.
            assertEquals(CellStopped.class, call(woven, "exit", new Class<?>[]{int.class}, 1).getClass());
        } finally {
            runner.beginCell();
        }
    }
}
