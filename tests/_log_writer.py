"""Child process for the reliability tests: label sentences in a loop, print each acknowledgement.

Usage: python _log_writer.py PATH ANNOTATOR COUNT [BARRIER_FILE]. Prints ``ack SENTENCE_ID
LABEL`` (flushed) after each ``record`` returns, i.e. once the row is on disk. COUNT 0 means
forever. With BARRIER_FILE it waits until that file exists, so many writers start together.
"""

from __future__ import annotations

import os
import sys
import time

from factcheck.log import AnnotationLog
from factcheck.sentences import Sentence

LABELS = ("verified", "unconfirmed", "opinion")


def text_for(annotator: str, index: int) -> str:
    """Long sentence text with commas and quotes, unique per writer and index."""
    return (
        f'Writer {annotator}, sentence {index}: "the Harwick ferry, which carried 1,200 '
        f'people a day," the operator said, adding that fares would rise by {index % 9} per cent.'
    )


def main() -> None:
    path, annotator, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if len(sys.argv) > 4:
        while not os.path.exists(sys.argv[4]):
            time.sleep(0.005)
    log = AnnotationLog(path, annotator=annotator)
    index = 0
    while count == 0 or index < count:
        text = text_for(annotator, index)
        sentence = Sentence(
            id=f"ferry-{index:06d}",
            index=index,
            start=0,
            end=len(text),
            text=text,
            article_id="ferry",
        )
        label = LABELS[index % 3]
        log.record(sentence, label, note=f"pid {os.getpid()}")
        print(f"ack {sentence.id} {label}", flush=True)
        index += 1


if __name__ == "__main__":
    main()
