/**
 * The exercises of SLM Lab. Each class has documented methods whose bodies throw
 * {@code UnsupportedOperationException("TODO ...")}: replace them with your code, then run {@code ./lab grade}.
 * The graded tests are in {@code src/test/java}; each exercise belongs to a notebook of the course.
 */
package org.slmlab.exercises;
