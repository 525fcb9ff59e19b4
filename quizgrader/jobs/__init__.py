"""The library's jobs, one module each; :mod:`quizgrader.api` is their façade.

- :mod:`.question`: one question: explain its options, grade one answer;
- :mod:`.exporting`: a bank for an LMS, or as a handout;
- :mod:`.simulation`: gain and reach of one configuration;
- :mod:`.deploying`: a template's variants and their lock.

Loading and verifying banks (:mod:`quizgrader.banks`) and the class jobs (grade, regrade,
stats: :mod:`quizgrader.course`) are jobs too, kept where they are while other modules import
them there.
"""
