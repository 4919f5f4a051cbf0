"""No "1 epochs" and no "2 época": every catalogue message that puts a count before a noun agrees with it
(`{n} {n:época|épocas}`, tutor/i18n), in both languages; none writes "epoch(s)"."""

import re
import string

import pytest

from tutor.i18n import LANGS, catalogue, t

NOUNS = {  # singular, plural: the things the catalogues count
    "en": [("epoch", "epochs"), ("run", "runs"), ("trial", "trials"), ("student", "students"), ("user", "users"),
           ("training", "trainings"), ("problem", "problems"), ("example", "examples"), ("update", "updates"),
           ("message", "messages"), ("parameter", "parameters"), ("character", "characters"), ("step", "steps"),
           ("combination", "combinations"), ("mini-batch", "mini-batches"), ("image", "images"), ("key", "keys"),
           ("minute", "minutes"), ("second", "seconds"), ("width", "widths"), ("layer", "layers"),
           ("weight update", "weight updates"), ("more", "more"), ("nat", "nats"), ("time", "times"),
           ("point", "points")],
    "es": [("época", "épocas"), ("ejecución", "ejecuciones"), ("prueba", "pruebas"), ("alumno", "alumnos"),
           ("usuario", "usuarios"), ("entrenamiento", "entrenamientos"), ("problema", "problemas"),
           ("ejemplo", "ejemplos"), ("actualización", "actualizaciones"), ("mensaje", "mensajes"),
           ("parámetro", "parámetros"), ("carácter", "caracteres"), ("paso", "pasos"), ("combinación", "combinaciones"),
           ("mini-lote", "mini-lotes"), ("imagen", "imágenes"), ("clave", "claves"), ("minuto", "minutos"),
           ("segundo", "segundos"), ("ancho", "anchos"), ("capa", "capas"), ("estudiante", "estudiantes"),
           ("nat", "nats"), ("vez", "veces"), ("punto", "puntos")],
}

NOT_COUNTS = {"option", "activation_name"}  # placeholders that hold words: a flag's name, an activation's name


def fields(message: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(message) if name}


def counted(rendered: str, count: int, nouns: set[str]) -> list[str]:
    """The nouns right after the number `count` (not part of a larger number) in `rendered`."""
    return [noun for noun in nouns if re.search(rf"(?<![\d.,]){count} {re.escape(noun)}(?![\w-])", rendered)]


@pytest.mark.parametrize("lang", LANGS)
def test_every_count_agrees_with_its_noun(lang):
    singular = {one for one, other in NOUNS[lang] if one != other}
    plural = {other for one, other in NOUNS[lang] if one != other}
    wrong = []
    for key, message in catalogue(lang).items():
        if re.search(r"\w\((s|es)\)", message):
            wrong.append(f"{key}: {message}")
            continue
        for count, bad in ((1, plural), (2, singular), (0, singular)):
            rendered = t(key, lang, **{name: "x" if name in NOT_COUNTS else count for name in fields(message)})
            if counted(rendered, count, bad):
                wrong.append(f"{key}: {rendered}")
    assert not wrong, "\n".join(wrong)


def test_the_plural_form_follows_the_count():
    assert t("runs.exported", "en", runs=1, epochs=1, file="x") == "1 run, 1 epoch, written to x"
    assert t("runs.exported", "es", runs=2, epochs=0, file="x") == "2 ejecuciones, 0 épocas, escritas en x"
