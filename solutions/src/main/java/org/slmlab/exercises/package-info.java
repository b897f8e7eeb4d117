/**
 * Reference solutions of the SLM Lab exercises — the same classes and signatures as {@code exercises/},
 * with working bodies. {@code mvn test} in this module runs the graded tests against them.
 */
package org.slmlab.exercises;
