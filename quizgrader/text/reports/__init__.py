"""One report per command, made of the explanation engine's words (``quizgrader.text``) and
rendered by :mod:`quizgrader.text.render`: ``verify`` (:mod:`.verifyreport`), ``explain``
(:mod:`.explaindoc`), ``grade`` and the learner files (:mod:`.gradereport`), ``regrade``
(:mod:`.regradereport`), ``stats`` (:mod:`.statsreport`), ``simulate`` (:mod:`.simreport`),
``schema`` (:mod:`.schemadoc`), the LMS exports' words (:mod:`.lms`) and the plots' words
(:mod:`.figures`)."""
