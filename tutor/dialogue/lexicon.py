"""The words the parser knows, in Spanish and English, each tagged with what it can mean.

Phrases are written naturally (accents, capitals); `PHRASES` holds them folded like messages are.
A phrase may carry several tags ("momentum" names a field and an optimizer; "a" is the Spanish "to"
and the English "one"): the grammar in `slots` and `parse` picks the reading that fits.
"""

from typing import Any, NamedTuple

from tutor.dialogue.numbers import NUMBER_WORDS, Num
from tutor.dialogue.text import fold


class Tag(NamedTuple):
    """One meaning of a phrase: `type` says which table it comes from, `value`/`extra` its details."""

    type: str
    value: Any = None
    extra: Any = None


# field: (English, Spanish, either) synonyms, "|"-separated
FIELDS = {
    "lr": ("step size",
           "tasa de aprendizaje | tasa | ratio de aprendizaje | razón de aprendizaje | ritmo de aprendizaje | "
           "velocidad de aprendizaje | coeficiente de aprendizaje | tamaño del paso | tamaño de paso",
           "lr | eta | η | learning rate | learningrate"),
    "batch_size": ("batches | minibatch size",
                   "lote | tamaño de lote | tamaño del lote | tamaño de batch | tamaño del batch | "
                   "tamaño de los lotes | minilote | tamaño de minibatch | tamaño del minibatch",
                   "bs | batch | batch size | batchsize | minibatch | mini batch | bach | bach size"),
    "epochs": ("epoch | epochs | training epochs | training time",
               "época | épocas | pasada | pasadas | de tiempo | tiempo de entrenamiento", ""),
    "hidden": ("hidden | hidden sizes | hidden widths | layer sizes | layer widths | architecture",
               "oculta | ocultas | tamaños de capa | tamaños de las capas | anchos de capa | arquitectura", ""),
    "layers": ("layer | layers | hidden layer | hidden layers | depth", "capa | capas | capa oculta | "
               "capas ocultas | profundidad", ""),
    "width": ("width | neuron | neurons | unit | units | node | nodes | hidden units | hidden neurons | "
              "hidden size | layer size | layer width | wide | capacity",
              "ancho | ancha | anchura | neurona | neuronas | unidad | unidades | nodo | nodos | tamaño de capa | "
              "tamaño de la capa | unidades ocultas | neuronas ocultas | capacidad", ""),
    "activation": ("activation | activations | activation function | nonlinearity | non linearity",
                   "activación | función de activación | funciones de activación | no linealidad", ""),
    "optimizer": ("optimizer | optimiser | optimization algorithm",
                  "optimizador | algoritmo de optimización | método de optimización", ""),
    "weight_decay": ("weight decay | weightdecay | l2 | l2 regularization | l2 regularisation | l2 penalty | "
                     "regularization | regularisation | weight penalty | penalty on the weights | ridge",
                     "decaimiento de pesos | decaimiento de los pesos | decaimiento del peso | regularización | "
                     "regularización l2 | penalización l2 | penalización de los pesos | penalización de pesos | "
                     "decaimiento de peso", "wd"),
    "dataset": ("data set | datasets", "conjunto de datos | set de datos | juego de datos", "dataset"),
    "samples": ("sample | samples | example | examples | data point | data points | datapoint | datapoints | "
                "point | points | observation | observations | instance | instances | dataset size | data | "
                "training data",
                "muestra | muestras | ejemplo | ejemplos | punto | puntos | observación | observaciones | "
                "instancia | instancias | tamaño del dataset | tamaño del conjunto de datos | datos | "
                "datos de entrenamiento", ""),
    "noise": ("noise | noise level | noisiness", "ruido | nivel de ruido", ""),
}

# (field, value): (English, Spanish, either)
OPTIONS = {
    ("activation", "relu"): ("rectified linear | rectified linear unit | rectifier",
                             "rectificador | unidad lineal rectificada | lineal rectificada", "relu | relus"),
    ("activation", "tanh"): ("hyperbolic tangent", "tangente hiperbólica | tangente", "tanh"),
    ("activation", "sigmoid"): ("sigmoid | sigmoids | logistic | logistic function",
                                "sigmoide | sigmoidea | sigmoidal | logística | función logística", ""),
    ("activation", "leaky_relu"): ("leaky rectified linear | leaky rectifier", "relu con fuga | relu permeable",
                                   "leaky relu | leakyrelu | lrelu | leaky"),
    ("optimizer", "sgd"): ("plain sgd | vanilla sgd | gradient descent | stochastic gradient descent | "
                           "plain gradient descent | mini batch gradient descent",
                           "sgd puro | sgd simple | sgd normal | descenso de gradiente | descenso del gradiente | "
                           "descenso por gradiente | descenso de gradiente estocástico | gradiente descendente | "
                           "gradiente descendente estocástico | descenso del gradiente estocástico", "sgd"),
    ("optimizer", "momentum"): ("sgd with momentum | momentum sgd | sgd momentum | momentum optimizer | heavy ball | "
                                "gradient descent with momentum | stochastic gradient descent with momentum | "
                                "heavy ball method | polyak momentum",
                                "sgd con momentum | optimizador momentum | optimizador de momentum | sgd con inercia | "
                                "descenso de gradiente con inercia | gradiente descendente con inercia | "
                                "descenso de gradiente con momentum | gradiente descendente con momentum | "
                                "descenso del gradiente con inercia | optimizador con inercia", ""),
    ("optimizer", "adam"): ("adaptive moment estimation | adaptive moments | adaptive moment | adaptive optimizer",
                            "estimación adaptativa de momentos | estimación de momentos adaptativa | "
                            "momentos adaptativos | optimizador adaptativo", "adam | adamw"),
    ("dataset", "moons"): ("moons | two moons | half moons", "lunas | medias lunas | dos lunas", ""),
    ("dataset", "circles"): ("circles | rings | concentric circles", "círculos | anillos | círculos concéntricos", ""),
    ("dataset", "spiral"): ("spiral | spirals", "espiral | espirales", ""),
    ("dataset", "xor"): ("", "", "xor"),
    ("dataset", "blobs"): ("blobs | gaussian blobs | clusters", "manchas | cúmulos", ""),
    ("dataset", "digits"): ("digits | handwritten digits | mnist", "dígitos", ""),
}

# message kinds and the markers that build them ("goto", "teach", "lesson", "step", "whatif", "change", "whatis",
# "define", "board" and "skip" are parts of a kind, combined in `parse`; "board" asks for the exercise's
# leaderboard, "skip" to move on past a step's open question, "step" names a step of the lesson: "paso 3")
KINDS = {
    "why": ("why | why not | how come | what went wrong | what happened | explain | explain why | reason | "
            "the reason | "
            "cause | caused | what caused | what made | whats wrong | what is wrong | what does that mean | "
            "what does this mean",
            "por qué | por qué no | porque | cómo es que | qué pasó | qué ha pasado | qué falló | qué salió mal | "
            "explica | "
            "explícame | explicar | explícalo | razón | causa | motivo | qué significa | a qué se debe | porq | pq | "
            "xq | por q"),
    "whatis": ("what is | whats | what are | what does | tell me what | how many | how much | how long | "
               "whats the point of | what is the point of | the point of | whats the purpose of | "
               "what is the purpose of | the purpose of | what is it for | what are they for | am i using | "
               "are we using | do i have | do we have | how big | how large | how wide | how deep",
               "qué es | qué son | qué hace | para qué sirve | para qué sirven | cuál es | cuáles son | cuántas | "
               "cuántos | cuánto | cuánta | cuál es el punto de | cuál es el punto del | qué sentido tiene | "
               "cuál es el propósito de | cuál es el propósito del | estoy usando | estamos usando | tengo puesto | "
               "tengo puesta | qué tan grande | cuán grande | de qué tamaño | qué tan profunda | qué tan ancha"),
    "define": ("define | definition | definition of | meaning | meaning of | the meaning of | explain | "
               "explain to me | what is meant by | what do you mean by",
               "define | defíneme | definición | definición de | significado | significado de | qué significa | "
               "qué quiere decir | explica | explícame | explicar | explícalo | qué se entiende por"),
    "compare": ("compare | comparison | compared | versus | vs | difference | differences | better than | "
                "worse than | which was better | which is better | which one was better | side by side | against | "
                "is better | is it better | which is best | which of the two | which run was best | "
                "which run was better | which was best | which one was best",
                "compara | comparar | compárame | compárala | compáralo | compáralas | compáralos | comparemos | "
                "comparación | diferencia | diferencias | "
                "mejor que | peor que | cuál fue mejor | cuál es mejor | cuál funcionó mejor | frente a | contra | "
                "es mejor | qué es mejor | cuál de las dos | cuál de los dos | cuál fue la mejor | "
                "qué corrida fue mejor | qué ejecución fue mejor"),
    "next": ("next | continue | go on | carry on | move on | keep going | proceed | go ahead | next step | "
             "lets go | lets continue | ok | okay | got it | done | ready | what now | now what | "
             "whats next | what next | nxt | okey | oki | sounds good | lets do it",
             "siguiente | sig | sigue | sigamos | seguimos | seguir | continúa | continuar | continuemos | adelante | "
             "avanza | avanzar | avancemos | siguiente paso | próximo | próxima | próximo paso | "
             "vamos | vale | listo | entendido | de acuerdo | y ahora qué | ahora qué | qué sigue | dale | venga | "
             "vamos allá"),
    "skip": ("skip | skip it | skip this | skip this one | skip this step | skip the step | skip this question | "
             "skip the question | skip ahead",
             "salta | saltar | sáltate | sáltalo | sáltatelo | sáltate esto | salta esto | salta este paso | "
             "sáltate este paso | sáltate la pregunta | salta la pregunta | saltemos | saltemos esto | omite | "
             "omite esto | omite este paso | me lo salto"),
    "where": ("where was i | where am i | where were we | where are we | where did i leave off | "
              "where did we leave off | what lesson am i on | which lesson am i on | what lesson am i in | "
              "which lesson am i in | what lesson is this | which lesson is this | what step am i on | "
              "which step am i on | what step is this | which step is this | how am i doing | how am i going | "
              "how is it going | hows it going | how far am i | how far along am i | my progress | show my progress | "
              "back to the question | go back to the question | return to the question | what was the question | "
              "whats the question | what is the question | repeat the question | the question again | "
              "show me the question | show the question",
              "dónde estaba | dónde estoy | dónde estábamos | dónde estamos | dónde me quedé | dónde lo dejé | "
              "dónde nos quedamos | dónde lo dejamos | por dónde iba | por dónde voy | por dónde íbamos | "
              "por dónde vamos | en qué lección voy | en qué lección estoy | en qué lección estamos | "
              "en qué lección vamos | qué lección es esta | en qué paso voy | en qué paso estoy | "
              "en qué paso estamos | en qué paso vamos | qué paso es este | cómo voy | cómo vamos | qué tal voy | "
              "qué tal vamos | cómo lo llevo | cómo lo estoy haciendo | mi progreso | cuánto me falta | "
              "volvamos a la pregunta | vuelve a la pregunta | volver a la pregunta | regresa a la pregunta | "
              "regresemos a la pregunta | cuál era la pregunta | cuál es la pregunta | repite la pregunta | "
              "repíteme la pregunta | la pregunta otra vez | muéstrame la pregunta"),
    "back": ("back | go back | previous | previous step | return | step back | rewind",
             "atrás | vuelve | volver | volvamos | regresa | regresar | regresemos | retrocede | retroceder | "
             "anterior | paso anterior"),
    "undo": ("undo | undo that | undo it | undo the change | undo the last change | undo my last change | revert | "
             "revert that | revert the change | previous settings | the previous settings | the settings before | "
             "the old settings | the settings i had",
             "deshacer | deshaz | deshazlo | deshaz eso | deshaz el cambio | deshaz el último cambio | revierte | "
             "revertir | revierte el cambio | los valores de antes | valores de antes | los valores anteriores | "
             "valores anteriores | los ajustes de antes | los ajustes anteriores | la configuración de antes | "
             "la configuración anterior"),
    "quit": ("quit | exit | bye bye | ok bye | goodbye | good bye | log out | logout | how do i quit | "
             "how do i exit | how do i leave | see you",
             "salir | adiós | chao | chau | hasta luego | hasta mañana | me voy | cómo salgo | cómo salir | "
             "quiero salir"),
    "repeat": ("repeat | again | say that again | say again | come again | once more | one more time | pardon | "
               "didnt understand | i didnt get that | didnt get it | run it again | i dont understand | "
               "dont understand | what did you say | what was that",
               "repite | repetir | repítelo | repítemelo | repíteme | repetirlo | repetírmelo | otra vez | "
               "de nuevo | nuevamente | una vez más | "
               "no entendí | no lo entendí | cómo dijiste | no entiendo | no lo entiendo | no comprendo | "
               "qué dijiste | qué has dicho | no te entendí | no te entiendo | no te he entendido"),
    "hint": ("hint | clue | tip | give me a hint | im stuck | stuck | i dont know | dont know | no idea | idk | "
             "what do i do now | what should i do | what should i try | im lost | i am lost | i got lost | lost | "
             "what would you change | what would you do | what would you try | what do you suggest | "
             "any suggestions | any suggestion",
             "pista | ayudita | una ayuda | dame una pista | estoy atascado | estoy atascada | atascado | "
             "atascada | no sé | no lo sé | ni idea | qué hago ahora | qué hago | qué debería hacer | qué pruebo | "
             "me he perdido | me perdí | estoy perdido | estoy perdida | ando perdido | ando perdida | "
             "qué cambiarías | qué harías | qué probarías | qué me sugieres | qué sugieres | alguna sugerencia | "
             "qué me recomiendas | qué recomiendas"),
    "help": ("help | what can you do | what can i do | what can i ask | what can i say | commands | "
             "how does this work | how do i use this | instructions | usage | manual | menu | options",
             "ayuda | ayúdame | qué puedes hacer | qué puedo hacer | qué puedo preguntar | qué puedo decir | "
             "qué sabes hacer | comandos | cómo funciona esto | cómo funciona | cómo se usa | instrucciones | "
             "menú | opciones"),
    "reset": ("reset | restart | start over | start again | begin again | from scratch | from the beginning | "
              "defaults | default | default values | default settings | back to defaults | back to default | "
              "discard the changes | discard changes | undo all changes | clear the changes | undo everything | "
              "undo all | all the changes",
              "reinicia | reiniciar | reinicio | resetea | resetear | empieza de nuevo | empezar de nuevo | "
              "volver a empezar | vuelve a empezar | desde cero | de cero | desde el principio | por defecto | "
              "valores por defecto | predeterminados | valores iniciales | restaura | restaurar | restablece | "
              "borra los cambios | descarta los cambios | deshaz los cambios | deshaz todo | "
              "deshaz todos los cambios | todos los cambios"),
    "exercise": ("exercise | exercises | class exercise | challenge | class challenge | competition | contest",
                 "ejercicio | ejercicios | ejercicio de clase | reto | retos | desafío | desafíos | competición | "
                 "concurso"),
    "board": ("leaderboard | leaderboards | leader board | scoreboard | standings | ranking | rankings | my rank | "
              "what rank | how do i rank | how am i ranked | ranked | my place | what place | my position | "
              "my standing | where do i stand",
              "ranking | rankings | clasificación | tabla de clasificación | tabla de posiciones | mi puesto | "
              "qué puesto | en qué puesto | mi posición | qué posición | en qué posición"),
    "goto": ("open | go to | take me to | show me | jump to", "abre | ir a | ve a | vete a | vamos a la | llévame a | "
             "llévame | muéstrame | pasa a la | salta a"),
    "teach": ("teach me | teach | i want to learn | learn about | tell me about | i want to know about",
              "enséñame | quiero aprender | aprender sobre | háblame de | háblame sobre | cuéntame sobre | "
              "cuéntame de | quiero saber sobre"),
    "lesson": ("lesson | lessons | chapter | topic | module", "lección | lecciones | capítulo | tema | módulo"),
    "step": ("step", "paso"),
    "whatif": ("what if | what about | how about | what happens if | what would happen if | what will happen if | "
               "why not | try | lets try | let us try | use | lets use | switch to | go with | using",
               "por qué no | y si | qué pasa si | qué pasaría si | qué tal si | qué tal | y con | prueba | probemos | "
               "pruebo | probar | "
               "intenta | intentemos | intentar | usa | usemos | usar | utiliza | utilizar | emplea | emplear | "
               "cambia a | pasa a | paso a | usando | uso | utilizo | empleo"),
    "change": ("set | change | make | put | modify | adjust | update | switch | train | run it",
               "pon | ponle | pone | cambia | cambiar | modifica | ajusta | haz | deja | establece | fija | "
               "configura | entrena | pongo | cambio | modifico | ajusto | entreno"),
    "answer": ("answer | my answer | the answer is | i think | i guess | i predict | my prediction | my guess | "
               "option | choice | id say | i would say | i pick | i choose | i go with | ill go with | ill take | "
               "im going with | id go with | i would go with | id pick | id choose | id take",
               "respuesta | mi respuesta | la respuesta es | creo que | supongo que | predigo | "
               "mi predicción | opción | diría que | diría | yo diría | creo | me quedo con | elijo | escojo | "
               "voy con | voto por"),
}

# topics of lessons, beyond the fields (which name their own topic, see FIELD_TOPIC)
TOPICS = {
    "training": ("training | basics | gradient descent | loss | backprop | backpropagation | optimization | "
                 "overfitting | underfitting | generalization | convergence",
                 "entrenamiento | entrenar | fundamentos | lo básico | descenso de gradiente | "
                 "descenso del gradiente | "
                 "pérdida | retropropagación | optimización | sobreajuste | generalización | convergencia | "
                 "clasificación binaria | clasificación multiclase | problema de clasificación | "
                 "problemas de clasificación | tarea de clasificación | tareas de clasificación"),
    "architecture": ("architecture | network | neural network | model | mlp | topology",
                     "arquitectura | red | red neuronal | modelo | topología"),
    "tuning": ("tuning | hyperparameter | hyperparameters | hyperparameter search | hyperparameter tuning | "
               "hyperparameter optimization | tune",
               "ajuste | ajuste de hiperparámetros | hiperparámetro | hiperparámetros | búsqueda de hiperparámetros | "
               "afinado | afinar | afinación | optimización de hiperparámetros"),
}
FIELD_TOPIC = {"lr": "lr", "batch_size": "batch_size", "epochs": "epochs", "hidden": "architecture",
               "layers": "architecture", "width": "architecture", "activation": "architecture"}

# concepts of the course beyond the fields, options and searches (which name their own, see `parse`)
CONCEPTS = {
    "training": ("training | training a network | train a network", "entrenamiento | entrenar una red"),
    "parameters": ("parameter | parameters | weight | weights | bias | biases | weights and biases",
                   "parámetro | parámetros | peso | pesos | sesgo | sesgos | pesos y sesgos"),
    "hyperparameter": ("hyperparameter | hyperparameters | hyper parameter | hyper parameters",
                       "hiperparámetro | hiperparámetros"),
    "loss": ("loss | losses | loss function | cost function | cross entropy",
             "pérdida | pérdidas | función de pérdida | función de coste | entropía cruzada"),
    "overfitting": ("overfitting | overfit | over fitting | overtraining | over training",
                    "sobreajuste | sobreajustar | sobreentrenamiento | sobreentrenar | sobreajustando"),
    "underfitting": ("underfitting | underfit | under fitting", "subajuste | infraajuste | subajustar | subajustando"),
    "validation": ("validation | validation set | validation data | validation loss | validation accuracy",
                   "validación | conjunto de validación | datos de validación | pérdida de validación"),
    "gradient": ("gradient | gradients", "gradiente | gradientes"),
    "tuning": ("hyperparameter tuning | hyperparameter search | hyperparameter optimization",
               "ajuste de hiperparámetros | búsqueda de hiperparámetros | optimización de hiperparámetros"),
    "automl": ("automl | auto ml | automated machine learning", "aprendizaje automático autoajustado"),
    "val_fraction": ("val fraction | validation fraction | validation split | val split | validation share | "
                     "holdout fraction | held out fraction", "fracción de validación | proporción de validación | "
                     "porcentaje de validación | parte de validación | reparto de validación"),
    "seed": ("seed | random seed", "semilla | semilla aleatoria"),
    "classes": ("classes | number of classes | class count", "clases | número de clases"),
}
CONCEPT_TOPIC = {"training": "training", "parameters": "training", "hyperparameter": "training", "loss": "training",
                 "overfitting": "training", "underfitting": "training", "validation": "training",
                 "gradient": "training", "tuning": "tuning", "automl": "tuning", "val_fraction": "training",
                 "seed": "training", "classes": "training"}

SEARCH = {
    "grid": ("grid | grid search | grid sweep", "rejilla | cuadrícula | malla | búsqueda en grid | "
             "búsqueda en rejilla | búsqueda en cuadrícula | búsqueda de grid | búsqueda en malla"),
    "random": ("random search | random | randomly | random sweep", "búsqueda aleatoria | aleatoria | aleatorio | "
               "aleatorias | al azar | búsqueda al azar"),
    "bayes": ("bayesian | bayes | bayesian optimization | bayesian search | optuna | tpe",
              "bayesiana | bayesiano | optimización bayesiana | búsqueda bayesiana"),
    None: ("sweep | search | hyperparameter search | tune | tuning | optimize | optimise | explore | scan",
           "barrido | barre | búsqueda | explora | tunea | afina | optimiza | optimizar | búsqueda de hiperparámetros"),
}

# (tag, English, Spanish, either): operators, prepositions, connectives and other grammar words
GRAMMAR: list[tuple[Tag, str, str, str]] = [
    (Tag("mul", 2), "double | doubled | twice", "duplica | duplicar | duplícalo | dobla | doblar | el doble | "
     "al doble | doble | duplico | doblo", ""),
    (Tag("mul", 3), "triple | tripled | thrice", "triplica | triplicar | el triple | al triple | triple | "
     "triplico", ""),
    (Tag("mul", 4), "quadruple | quadrupled", "cuadruplica | cuadruplicar | el cuádruple | cuádruple | "
     "cuadruplico", ""),
    (Tag("mul", 0.5), "halve | halved | half | in half | by half", "a la mitad | la mitad | mitad | por la mitad", ""),
    (Tag("mul", 0.25), "a quarter | quarter", "la cuarta parte | un cuarto", ""),
    (Tag("times"), "times | x | fold | by a factor of | a factor of | factor", "veces | por un factor de | "
     "un factor de | factor", "*"),
    (Tag("order", 1), "an order of magnitude | one order of magnitude", "un orden de magnitud", ""),
    (Tag("order"), "orders of magnitude | order of magnitude", "órdenes de magnitud | orden de magnitud", ""),
    (Tag("div"), "divide | divided | divide it", "divide | dividir | divídelo | divídela | dividido | divido",
     "/ | ÷"),
    (Tag("mult"), "multiply | multiplied | multiply it", "multiplica | multiplicar | multiplícalo | multiplicado | "
     "multiplico", ""),
    (Tag("dir", 1, "verb"), "increase | increased | raise | raised | boost | bump | bump up | turn up | scale up | "
     "crank up | push up | grow | enlarge | extend | lengthen", "aumenta | aumentar | auméntalo | incrementa | "
     "incrementar | sube | subir | súbelo | súbele | eleva | elevar | amplía | ampliar | agranda | agrandar | "
     "alarga | aumento | incremento | subo | amplío | agrando | alargo", ""),
    (Tag("dir", 1, "adj"), "bigger | larger | higher | greater | big | large | high | huge | longer",
     "mayor | más grande | más grandes | más alto | más alta | grande | grandes | alto | alta | enorme | "
     "más largo | más larga", ""),
    (Tag("dir", 1, "qty"), "more | extra | additional | another | further", "más | extra | adicional | "
     "adicionales | otra | otro | otras | otros", ""),
    (Tag("dir", -1, "verb"), "decrease | decreased | reduce | reduced | lower | lowered | cut | shrink | "
     "bring down | scale down | turn down", "disminuye | disminuir | reduce | reducir | redúcelo | baja | "
     "bajar | bájalo | bájale | recorta | recortar | achica | achicar | rebaja | disminuyo | reduzco | recorto | "
     "achico | rebajo", ""),
    (Tag("dir", -1, "adj"), "smaller | small | low | tiny | shorter", "menor | más pequeño | más pequeña | "
     "más pequeños | más pequeñas | más bajo | más baja | más chico | más chica | pequeño | pequeña | chico | "
     "bajo", ""),
    (Tag("dir", -1, "qty"), "less | fewer", "menos", ""),
    (Tag("dir", -1, "adj"), "", "bajito | bajita | chiquito | chiquita | pequeñito | pequeñita | pocos | pocas | "
     "chica | chicos | chicas", ""),
    (Tag("dir", 1, "adj"), "", "altito | altita | grandecito | grandecita", ""),
    (Tag("dir", 1, "adj"), "complex | complicated | more complex", "complejo | compleja | más complejo | "
     "más compleja", ""),
    (Tag("dir", -1, "adj"), "simple | simpler", "simple | sencillo | sencilla | más simple | "
     "más sencillo | más sencilla", ""),
    (Tag("add", 1), "add | append | insert", "añade | añadir | añádele | agrega | agregar | agrégale | suma | "
     "sumar | súmale | mete | meter | agrego | añado | sumo | meto", ""),
    (Tag("add", -1), "remove | delete | drop | take away | take out | get rid of | subtract",
     "quita | quitar | quítale | elimina | eliminar | saca | sacar | borra | borrar | resta | restar | réstale | "
     "quito | elimino | saco | borro", ""),
    (Tag("prep", "set"), "to | is | was | were | be | equal | equals | equal to | at | set to | become",
     "a | es | sea | fuera | fuese | era | sería | igual a | hasta | quede en", "= | :"),
    (Tag("prep", "of"), "of", "de | del", ""),
    (Tag("swap"), "swap | swap out | replace | substitute | exchange | trade | change", "cambia | sustituye | "
     "sustituir | reemplaza | reemplazar | intercambia", ""),
    (Tag("prep", "by"), "by", "en | por | entre", ""),
    (Tag("pct"), "percent | per cent", "por ciento", "%"),
    (Tag("neg"), "no | not | without | dont | never | instead of | rather than | in place of | turn off | "
     "switch off | disable", "sin | no | nunca | ningún | ninguna | en vez de | en lugar de | apaga | desactiva | "
     "desactivar", ""),
    # a sentence about what happened, which asks for nothing: "el batch de 32 tardó mucho", "that run was slow"
    (Tag("narrate"), "took | ran | looked | seemed | worked | had | has | slow | weird | strange | tried | reached | "
     "used | was using | were using | yesterday | last time | the last time | earlier today",
     "tardó | tarda | tardaba | tardaron | tuvo | tiene | fue | fueron | funcionó | salió | "
     "lento | lenta | raro | rara | extraño | extraña | llegó | alcanzó | "
     "ya van | ya llevamos | ya llevo | llevamos | so far | subió | mejoró | empeoró | cayó | rose | fell | "
     "diverged | exploded | blew up | overfitted | plateaued | stalled | oscillated | got stuck | went wrong | "
     "failed | crashed | divergió | explotó | sobreajustó | se estancó | osciló | falló | no aprendió | "
     "no funcionó | se fue a nan", ""),
    # what the student did: "probé con tanh", "antes tenía batch 64" (and "I changed ...", read in `scan`)
    (Tag("narrate", "me"), "", "probé | entrené | puse | pusimos | usaba | usábamos | probaba | ponía | tenía | "
     "teníamos | he | hemos | había | habíamos | empecé | empezé | comencé | arranqué | terminé | hice | hicimos | "
     "corrí | corrimos | tuve | tuvimos", ""),
    # a time gone by: a verb beside it that may be a past tense tells too ("ayer use tanh": usé)
    (Tag("narrate", "past"), "used to | i used to", "ayer | la vez pasada | la última vez | la otra vez | "
     "el otro día", ""),
    # "+=" and the like, as in code: "epochs += 10", "lr /= 10"
    (Tag("add", 1, "sym"), "", "", "+="), (Tag("add", -1, "sym"), "", "", "-="), (Tag("mult"), "", "", "*="),
    (Tag("div"), "", "", "/="),
    (Tag("each"), "each | every | per | per each", "cada | por | por cada | en cada", ""),
    (Tag("sep"), "and | also | then | plus | but | as well as", "y | e | también | luego | después | pero | además",
     ", | ; | . | ! | ? | ¿ | ¡ | &"),
    (Tag("with"), "with | for | using | during | optimize with | optimise with",
     "con | para | durante | usando | optimiza con", ""),
    (Tag("bound", "between"), "between", "entre", ""),
    (Tag("when"), "after | before | at epoch | since", "después de | antes de | tras | desde la época", ""),
    (Tag("bound", "from"), "from", "desde | de", ""),
    (Tag("trials"), "trial | trials | run | runs | configuration | configurations | config | configs | experiment | "
     "experiments | evaluation | evaluations | candidates | combinations", "prueba | pruebas | intento | intentos | "
     "ensayo | ensayos | ejecución | ejecuciones | corrida | corridas | configuración | configuraciones | "
     "experimento | experimentos | candidatos | combinaciones", ""),
    (Tag("find"), "find | look for | search for | figure out | determine | pick | choose",
     "busca | buscar | búscame | encuentra | encontrar | encuéntrame | halla | hallar | elige | elegir | "
     "determina", ""),
    # values to look across: "try different activations"
    (Tag("find"), "different | various | several", "distintos | distintas | diferentes | varios | varias", ""),
    # a field left as it is: "double the epochs but keep the lr", "no toques el batch"
    (Tag("keep"), "keep | leave | dont change | dont touch | do not change | do not touch | unchanged | as is | "
     "as it is | alone", "mantén | mantener | mantenlo | mantenla | no cambies | no toques | no cambiar | no tocar | "
     "no modifiques | sin cambiar | sin tocar | como está | tal cual | igual", ""),
    (Tag("good"), "good | best | optimal | ideal | right | better | recommend | recommended | suggest",
     "buen | bueno | buena | mejor | el mejor | óptimo | óptima | ideal | adecuado | adecuada | correcto | "
     "recomiendas | recomendarías | recomendado | recomendable | sugieres", ""),
    (Tag("good"), "should i use | should we use | should i set | should i pick", "debería usar | debería poner | "
     "debo usar | debo poner | deberíamos usar | conviene usar | conviene poner | conviene | me conviene | "
     "convendría", ""),
    (Tag("lrfind"), "lr finder | lr find | learning rate finder | lr range test | range test | "
     "learning rate range test", "buscador de learning rate | buscador de lr | test de rango", ""),
    # a question about the student's runs: "which run diverged?", "¿cuál de mis corridas fue peor?"
    (Tag("which"), "which | what", "cuál | cuáles | qué", ""),
    (Tag("run"), "run | runs | experiment | experiments | training run | training runs",
     "corrida | corridas | ejecución | ejecuciones | experimento | experimentos", ""),
    # asking what an idea is worth, not for a change: "¿el momentum ayuda con sgd?", "is the lr too high?"
    (Tag("judge"), "help | helps | need | needs | affect | affects | matter | matters | worth | worth it | "
     "enough | is better | is it better",
     "ayuda | ayudan | necesita | necesitan | sirve | sirven | afecta | afectan | importa | importan | "
     "vale la pena | suficiente | suficientes | es mejor", ""),
    # a degree: asked, it judges ("is the lr too high?"); stated, it asks for a change ("el lr está muy alto")
    (Tag("judge", "degree"), "too | is too | are too | is very | is way too | are way too | way too | far too",
     "demasiado | demasiada | demasiados | demasiadas | es muy | está muy | son muy | están muy | es demasiado | "
     "está demasiado | son demasiado | son demasiadas | son demasiados", ""),
    # what the student should do next: "what should I change?", "¿qué debería probar?"
    (Tag("should"), "should i | should we | shall i | shall we", "debería | debo | deberíamos", ""),
    # what to run next, not which run was: "what run should I do next?", "¿qué experimento hago ahora?"
    (Tag("should"), "do you recommend | do you suggest",
     "hago | hacemos | toca | corro | lanzo | recomiendas | sugieres", ""),
    (Tag("question"), "what | which | how | what is | whats | which is | should i", "qué | cuál | cómo | cuál es | "
     "qué es | debería | debo", "? | ¿"),
    (Tag("outcome"), "diverge | diverges | will diverge | explode | explodes | blow up | overfit | overfits | "
     "underfit | underfits | converge | converges | improve | improves | gets worse | worse | plateau | stall | "
     "oscillate | oscillates | nan | go up | goes up | went up | go down | goes down | went down | "
     "stays the same | accuracy | "
     "val loss | validation loss", "diverge | divergir | diverja | explota | sobreajusta | subajuste | converge | "
     "mejora | empeora | peor | se estanca | estanca | oscila | igual | lo mismo | precisión | exactitud | error | "
     "va a subir | va a bajar | va a diverger | diverger | va a divergir | va a explotar | va a mejorar | "
     "va a empeorar | va a oscilar | se va a estancar | subirá | bajará | divergirá | explotará | mejorará | "
     "empeorará | se estancará", ""),
    (Tag("yesno", "yes"), "yes | yeah | yep | sure | of course", "sí | si | claro | por supuesto | claro que sí | "
     "por supuesto que sí", ""),
    (Tag("yesno", "no"), "nope", "", "no"),
    (Tag("yesno", "true"), "true", "verdadero | cierto", ""),
    (Tag("yesno", "false"), "false", "falso", ""),
    (Tag("num", Num(words=0.5, fraction=True)), "a half | one half", "medio | media", ""),
    (Tag("num", Num(words=1 / 3, fraction=True)), "a third | one third", "un tercio | una tercera parte | "
     "la tercera parte", ""),
    (Tag("num", Num(words=2 / 3, fraction=True)), "two thirds", "dos tercios | dos terceras partes", ""),
    (Tag("num", Num(words=0.75, fraction=True)), "three quarters", "tres cuartos | tres cuartas partes", ""),
    (Tag("num", Num(words=0.2, fraction=True)), "a fifth | one fifth", "un quinto | la quinta parte | "
     "una quinta parte", ""),
    (Tag("num", Num(words=0.1, fraction=True)), "a tenth | one tenth", "un décimo | la décima parte | "
     "una décima parte | una décima", ""),
    (Tag("num", Num(words=0.01, fraction=True)), "a hundredth | one hundredth", "un centésimo | una centésima | "
     "la centésima parte | una centésima parte", ""),
    (Tag("num", Num(words=0.001, fraction=True)), "a thousandth | one thousandth", "un milésimo | una milésima | "
     "la milésima parte | una milésima parte", ""),
    (Tag("choice", 0), "first | first one | the first one", "primera | primero | primer", ""),
    (Tag("choice", 1), "second | second one | the second one", "segunda | segundo", ""),
    (Tag("choice", 2), "third | third one | the third one", "tercera | tercero | tercer", ""),
    (Tag("choice", 3), "fourth | fourth one | the fourth one", "cuarta | cuarto", ""),
    (Tag("num", Num(words=2)), "a couple | a couple of | a pair of", "un par de | un par", ""),
    (Tag("num", Num(words=1, weak=True)), "a | an", "un | una", ""),
    (Tag("filler"), "the | this | that | it | its | my | our | your | these | those | now | please | just | only | "
     "single | new | value | value of | number of | amount of | size of | total | in total | current | right now | "
     "for example | instead | so | ok so | the same | nothing more | and nothing more | no more than | "
     "hmm | hm | mmm | mm | uh | um | umm | er | maybe | probably | perhaps | i guess",
     "el | la | los | las | lo | le | este | esta | estos | "
     "estas | ese | esa | eso | mi | mis | su | sus | tu | ahora | por favor | porfa | solo | sola | solamente | "
     "única | nada más | y nada más | nomás | no más que | "
     "nuevo | nueva | nuevos | nuevas | valor | valor de | el valor de | número de | cantidad de | "
     "total | en total | actual | por ejemplo | entonces | mmm | mm | eh | em | pues | quizás | quizá | "
     "tal vez | a lo mejor | supongo | probablemente", ""),
    (Tag("word"), "i | you | me | we | us | do | does | did | can | could | would | should | will | have | has | "
     "had | am | are | on | in | about | if | lets | let | get | give | want | need | like | think | know | tell | "
     "see | happen | happens | happened | there | here | than | very | really | too | much | many | some | any | "
     "all | im | dont | didnt | doesnt | cant | wont | isnt | later | moment | matter | other | after | before | "
     "where | thing | things | first | second | still | well | hello | hi | thanks | thank you | ranging | ranged",
     "yo | tú | me | te | se | nos | les | que | para | como | cuando | donde | si | hay | está | están | son | "
     "fue | ser | hacer | tiene | tengo | quiero | puedo | puedes | necesito | muy | mucho | muchos | mucha | "
     "muchas | poco | pocos | todo | todos | algo | nada | ya | aún | todavía | pasa | pasó | qué | cuál | "
     "pero | aquí | ahí | esto | hola | gracias | bien | mal | capaz | momento | tiempo | cosas | mismo | "
     "misma | sobre", ""),
]


# phrases with two meanings at once: "deeper" names the layers and asks for more of them;
# "momentum" alone is a field, or the optimizer when no value comes with it
COMPOUNDS: list[tuple[str, str, tuple[Tag, ...]]] = [
    ("momentum", "", (Tag("field", "momentum"), Tag("weak_option", ("optimizer", "momentum")))),
    ("sgd with momentum | sgd con momentum | momentum sgd | sgd momentum | gradient descent with momentum | "
     "stochastic gradient descent with momentum | descenso de gradiente con momentum | "
     "gradiente descendente con momentum", "", (Tag("field", "momentum"),)),
    ("sgd con inercia | descenso de gradiente con inercia | gradiente descendente con inercia | "
     "descenso del gradiente con inercia", "es", (Tag("field", "momentum"),)),
    ("longer", "en", (Tag("field", "epochs"), Tag("dir", 1, "adj"))),
    ("inercia", "es", (Tag("field", "momentum"), Tag("weak_option", ("optimizer", "momentum")))),
    ("más ancho | más ancha | más anchos | más anchas | anchas | anchos", "es",
     (Tag("field", "width"), Tag("dir", 1, "adj"))),
    ("deeper", "en", (Tag("field", "layers"), Tag("dir", 1, "adj"))),
    ("más profunda | más profundo | más profundas | más profundos", "es",
     (Tag("field", "layers"), Tag("dir", 1, "adj"))),
    ("as wide | as wide as | as broad", "en", (Tag("field", "width"), Tag("dir", 1, "adj"))),
    ("as deep | as deep as", "en", (Tag("field", "layers"), Tag("dir", 1, "adj"))),
    ("as long | as long as", "en", (Tag("field", "epochs"), Tag("dir", 1, "adj"))),
    # a plural of the learning rate or the batch size asks for several values: "try learning rates from 1e-4 to 1"
    ("learning rates", "en", (Tag("field", "lr"), Tag("find"))),
    ("tasas de aprendizaje", "es", (Tag("field", "lr"), Tag("find"))),
    ("batch sizes", "en", (Tag("field", "batch_size"), Tag("find"))),
    ("tamaños de lote | tamaños de batch | tamaños de los lotes", "es", (Tag("field", "batch_size"), Tag("find"))),
    ("shallower", "en", (Tag("field", "layers"), Tag("dir", -1, "adj"))),
    ("too few | too little", "en", (Tag("judge", "degree"), Tag("dir", -1, "adj"))),
    ("menos profunda | menos profundo", "es", (Tag("field", "layers"), Tag("dir", -1, "adj"))),
    # a network named before its widths: "red de 128 y 64", "a network of 64-32"
    ("red | red neuronal | network | net | neural network | model | modelo", "",
     (Tag("net"),)),
    ("wider", "en", (Tag("field", "width"), Tag("dir", 1, "adj"))),
    ("widen | broaden", "en", (Tag("field", "width"), Tag("dir", 1, "verb"))),
    ("ensancha | ensanchar | ensánchala", "es", (Tag("field", "width"), Tag("dir", 1, "verb"))),
    ("deepen", "en", (Tag("field", "layers"), Tag("dir", 1, "verb"))),
    ("narrow", "en", (Tag("field", "width"), Tag("dir", -1, "verb"))),
    ("estrecha | estrechar | adelgaza", "es", (Tag("field", "width"), Tag("dir", -1, "verb"))),
    # every choice of a setting that has choices: a search over them ("try every optimizer")
    ("every activation | all activations | all the activations | each activation", "en",
     (Tag("field", "activation"), Tag("find"))),
    ("todas las activaciones | cada activación", "es", (Tag("field", "activation"), Tag("find"))),
    ("every optimizer | all optimizers | all the optimizers | each optimizer | every optimiser", "en",
     (Tag("field", "optimizer"), Tag("find"))),
    ("todos los optimizadores | cada optimizador", "es", (Tag("field", "optimizer"), Tag("find"))),
    ("every dataset | all datasets | all the datasets", "en", (Tag("field", "dataset"), Tag("find"))),
    ("todos los datasets | todos los conjuntos de datos", "es", (Tag("field", "dataset"), Tag("find"))),
    ("narrower", "en", (Tag("field", "width"), Tag("dir", -1, "adj"))),
    ("más estrecha | más estrecho | más estrechas | más estrechos | estrechas | estrechos", "es",
     (Tag("field", "width"), Tag("dir", -1, "adj"))),
    ("train longer | train for longer | longer training", "en", (Tag("field", "epochs"), Tag("dir", 1, "verb"))),
    ("entrena más tiempo | entrenar más tiempo | más tiempo", "es", (Tag("field", "epochs"), Tag("dir", 1, "verb"))),
    ("train less | shorter training", "en", (Tag("field", "epochs"), Tag("dir", -1, "verb"))),
    ("entrena menos tiempo", "es", (Tag("field", "epochs"), Tag("dir", -1, "verb"))),
    ("noiseless | noise free | clean data", "en", (Tag("field", "noise"), Tag("neg"))),
    # "clasificación" alone is the exercise's leaderboard; asked what it is, the kind of task
    ("qué es la clasificación | qué es clasificación | qué es una clasificación", "es",
     (Tag("kind", "whatis"), Tag("topic", "training"))),
]


def _entries():
    """Every (phrase, lang, tag) of the tables above."""
    for field, names in FIELDS.items():
        yield from _split(names, Tag("field", field))
    for (field, value), names in OPTIONS.items():
        yield from _split(names, Tag("option", (field, value)))
    for kind, (en, es) in KINDS.items():
        yield from _split((en, es, ""), Tag("kind", kind))
    for topic, (en, es) in TOPICS.items():
        yield from _split((en, es, ""), Tag("topic", topic))
    for concept, (en, es) in CONCEPTS.items():
        yield from _split((en, es, ""), Tag("concept", concept))
    for method, (en, es) in SEARCH.items():
        yield from _split((en, es, ""), Tag("search", method))
    for tag, en, es, either in GRAMMAR:
        yield from _split((en, es, either), tag)
    for names, lang, tags in COMPOUNDS:
        for tag in tags:
            yield from _split(tuple(names if lang == column else "" for column in ("en", "es", "")), tag)


def _split(names: tuple[str, ...], tag: Tag):
    """(phrase, lang, tag) for each "|"-separated phrase of the (English, Spanish, either) columns."""
    for lang, text in zip(("en", "es", ""), names):
        for phrase in text.split("|"):
            if phrase.strip():
                yield tuple(fold(phrase).split()), lang, tag


def _index() -> dict[tuple[str, ...], tuple[tuple[Tag, str], ...]]:
    """Folded phrase -> its (tag, lang) meanings."""
    index: dict[tuple[str, ...], list[tuple[Tag, str]]] = {}
    for phrase, lang, tag in _entries():
        if (tag, lang) not in index.setdefault(phrase, []):
            index[phrase].append((tag, lang))
    return {phrase: tuple(tags) for phrase, tags in index.items()}


PHRASES = _index()
LONGEST = max(len(p) for p in PHRASES)
VOCABULARY = {w for p in PHRASES for w in p} | NUMBER_WORDS
# words worth correcting when misspelt: names of fields, options, kinds, topics and operators
KEYWORDS = {w for p, tags in PHRASES.items() for w in p if len(w) >= 5 and w not in NUMBER_WORDS
            and any(t.type in ("field", "option", "kind", "topic", "concept", "search", "mul", "div", "mult", "dir",
                               "add") for t, _ in tags)}


def lookup(words: list[str], i: int) -> tuple[int, tuple[tuple[Tag, str], ...]]:
    """The longest phrase starting at words[i]: (its length, its (tag, lang) pairs); (0, ()) if none."""
    for n in range(min(LONGEST, len(words) - i), 0, -1):
        tags = PHRASES.get(tuple(words[i:i + n]))
        if tags:
            return n, tags
    return 0, ()
