"""Prompt-injection detection (P3, issue 15): what an attacker writes to a secretary, in the
message and in the WhatsApp display name, however it is disguised.

A message is read in several views, and every pattern is tried on every view:
- the text as the pipeline keeps it (NFKC, zero-width characters gone), with look-alike letters
  from other scripts mapped to Latin ("іgnоre" in Cyrillic), lowercased, accents folded;
- leetspeak undone ("1gn0r3 4s 1nstruc03s");
- letters spaced or dotted apart joined again ("i g n o r e", "i.g.n.o.r.e");
- base64 runs decoded, when they decode to text.

The patterns are phrases, not words: an override needs its object ("ignore as instruções",
never "pode ignorar minha mensagem anterior"), a request to repeat needs the secretary's own
rules ("repita suas instruções", never "pode repetir o endereço?"), a persona trick needs a
persona ("aja como administrador", never "finja que não vi kkk"). Categories: override,
roleplay, delimiter, extraction, debug, data (other customers' or bulk data), harmful.

What detection misses is still contained: the model has no tools and sees only the customer's
own conversation, and its reply is checked for leaks (guardrails.leaks).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
import unicodedata
from functools import lru_cache

from confusable_homoglyphs import confusables

ZERO_WIDTH = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\ufeff\u00ad\u034f\u180e"), None
)
_LEET = str.maketrans(
    {
        "0": "o",
        "1": "i",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "@": "a",
        "$": "s",
        "|": "i",
        "!": "i",
    }
)

# The secretary's own rules, as attackers name them (PT, EN, ES), after folding.
_RULES = (
    r"(instruc\w*|regras?|diretrizes|orientac\w*|comandos?|prompts?|programac\w*|"
    r"configurac\w*|restric\w*|politicas?|limites|filtros?|guardrails?|"
    r"instructions?|rules|guidelines|directives?|constraints|reglas|directrices|indicaciones)"
)
_MINE = (
    r"(suas|seus|sua|seu|tuas|teus|tua|teu|your|tus|sus|tu|as|os|the|las|los|all|todas? as|"
    r"todos os)"
)
_BEFORE = (
    r"(anteriores|anterior|previas?|acima|iniciais|originais|de antes|do sistema|de sistema|"
    r"previous|prior|above|earlier|initial|original|system|anteriormente|de arriba|del sistema|"
    r"que (te|lhe) (deram|passaram|deu|passou|foram dad\w*)|que (voce|vc) recebeu)"
)
_OVERRIDE_VERB = (
    r"(ignor\w*|esquec\w*|esqueca|desconsider\w*|descart\w*|abandon\w*|anul\w*|desobedec\w*|"
    r"pul\w*|desativ\w*|remov\w*|suspend\w*|quebr\w*|burl\w*|contorn\w*|"
    r"forget|disregard|override|bypass|skip|drop|olvid\w*|omit\w*|salt\w*)"
)
_PERSONA = (
    r"(administrador\w*|admin|root|hacker|desenvolvedor\w*|developer|programador\w*|donos?|donas?|"
    r"chefe|diretor\w*|"
    r"proprietari\w*|gerente|sistema|system|outra (ia|pessoa|assistente)|ia sem|ai without|"
    r"sem (filtros?|restric\w*|limites?|censura|regras)|without (filters|restrictions|rules|"
    r"limits)|"
    r"dan|jailbr\w*|evil|malicios\w*|chatgpt|gpt|llm|modelo de linguagem|language model|"
    r"sin (filtros|restricciones|reglas)|mi abuela|minha avo|a avo|grandma|personagem|character)"
)

PATTERNS: dict[str, tuple[str, ...]] = {
    # A person in distress, not an attacker: answered with care and a person (responders.py).
    "self_harm": (
        r"\b(me matar(?! de )|me suicidar|tirar minha (propria )?vida|acabar com (a )?minha vida|"
        r"kill myself|"
        r"matarme|quitarme la vida)\b(?! de )",
        r"\b(como|jeito|maneira|forma|how to|ways? to|quero|vou|formas|metodos?|methods?)\b.{0,40}"
        r"\b(me matar(?! de )|se matar|suicid\w*|tirar (a |minha )?(propria )?vida|kill (myself|"
        r"yourself)|"
        r"end my life|me machucar|self[- ]harm|me cortar)\b",
        r"\b(quantos|quantas|qual (a )?dose|how many)\b.{0,40}\b(matar|morrer|overdose|letal|"
        r"lethal|kill|die)\b",
        r"\b(quantos|quantas|dose|how many)\b.{0,60}\b(nao acordar|nunca mais acordar|"
        r"acabar com tudo|"
        r"morrer|me matar(?! de )|overdose|letal|lethal|die|not wake)\b",
        r"\b(quero|vou|penso em|pensando em|vontade de|want to|"
        r"going to)\b.{0,10}\b(me matar(?! de )|"
        r"morrer|acabar com (tudo|minha vida)|tirar minha vida|kill myself|end it all|nao acordar "
        r"mais)\b",
    ),
    "override": (
        rf"\b{_OVERRIDE_VERB}\b.{{0,40}}\b{_RULES}\b",
        rf"\b{_OVERRIDE_VERB}\b.{{0,25}}\b(tudo|todo|everything|all) (o |lo )?(que|that|"
        rf"what)\b.{{0,30}}"
        r"\b(disseram|falaram|ensinaram|programaram|mandaram|told|said|taught|dijeron)",
        rf"\b{_OVERRIDE_VERB}\b.{{0,20}}\b(everything|anything|all) (above|before|previous)",
        r"\b(novas?|new|nuevas?) (instruc\w*|regras?|instructions?|rules|reglas|diretrizes)\s*:",
        r"\b(a partir de agora|de agora em diante|daqui pra frente|from now on|desde ahora|"
        r"a partir de ahora|de ahora en adelante)\b.{0,40}\b(voce|vc|tu|you|usted|eres|es|sera|"
        r"vai|will|must|deve|responda|answer|responde|ignore|diga|say)\b",
        r"\b(your|sua|tu) (real|verdadeira|nova|new|true|verdadera) (task|tarefa|funcao|missao|"
        r"mission|tarea|funcion|objetivo|purpose|proposito)\b",
        r"\b(disregard|ignore|forget|olvid\w*|ignor\w*|esquec\w*|desconsider\w*)\b (tudo |todo |"
        r"all |the |o |lo |everything )?"
        r"(o que (esta|foi dito) |lo de |what is |what was said |everything )?(above|acima|arriba|"
        r"anterior(mente)?|previous(ly)?|before|antes)\b",
        rf"\b{_MINE}?\s*{_RULES}\b.{{0,30}}\b(estao|are|foram|were|estan|fueron|sao|son)\b.{{0,12}}"
        r"\b(desatualizad\w*|revogad\w*|revocad\w*|cancelad\w*|obsolet\w*|outdated|revoked|"
        r"invalid\w*|substituid\w*|sustituid\w*|replaced|suspens\w*|suspendid\w*|anulad\w*|"
        r"void|expired|expirad\w*|nul[ao]s?)\b",
        r"\b(siga|obedeca|follow|obey|sigue|obedece|cumpra|cumple)\b (somente|apenas|so|only|solo|"
        r"unicamente|just) (as minhas|minhas|my|mis|as mias|o que eu|what i|lo que yo|me)\b",
        r"\b(atualizac\w*|update|actualizacion|mudanca|change|cambio|nova versao|"
        r"new version)\b (de|da|"
        r"do|of|del|to|na|in) (politica|policy|sistema|system|instruc\w*|regras|rules|reglas|"
        r"diretrizes|configurac\w*|prompt)\w*\s*:",
        r"\b(nao|never|nunca) (siga|obede\w*|follow|sigas?) (mais )?(as |the |las )?(suas |your |"
        r"tus )?" + _RULES,
    ),
    "roleplay": (
        rf"\b(aja|age|atue|atua|comporte-se|comporte se|se comporte|act|actua|actue|behave)\b"
        rf"( agora)? (como|as|like) (se (fosse|voce fosse) )?(um |uma |o |a |an? |el |la |the )?"
        rf"(seu |my |meu )?{_PERSONA}\b",
        r"\b(finja|finge|fingir|simule|simula|pretend|imagine|imagina|faca de conta|faz de conta|"
        r"haz de cuenta|hagamos de cuenta)\b( que)? (voce|vc|tu|you|usted)\b.{0,30}"
        r"\b(e|es|eres|seja|sejas|fosse|nao|are|were|not|is|tem|tivesse|pode|can|sem|without|"
        r"agora)\b",
        r"\b(finja|finge|fingir|simule|pretend|simula)\b (ser|to be|que es|que eres)\b",
        r"\b(finja|finge|fingir|finjas|simule|simula|pretend|imagine|imagina)\b (que )?(voce |vc |"
        r"tu |"
        r"you )?(e|es|eres|seja|sejas|fosse|fueras|fuera|is|are|were|nao e|no eres)\b",
        r"\b(esquec\w*|forget|olvid\w*|ignor\w*)\b( de)? (que )?(voce |vc |tu |you )?(e|es|eres|"
        r"are|is|"
        r"sou) (um |uma |a |an |el |la )?(robo|bot|ia|ai|assistente|assistant|secretaria|maquina|"
        r"programa|modelo)\b",
        r"\b(actu\w*|act\w*|aja|age|atue|respond\w*|fal\w*|habla\w*)\b.{0,12}\b(como se|como si|"
        r"as if)\b"
        rf" (fosse|fueras|fuera|voce fosse|vc fosse|you were|eu fosse|"
        rf"yo fuera)\b.{{0,30}}\b{_PERSONA}\b",
        r"\b(voce|vc|tu|you)( agora)? (e|es|sera|eres|are|will be) (agora |now |ahora )?"
        rf"(um |uma |o |a |an? |el |la |the )?{_PERSONA}\b",
        r"\b(you are now|voce agora e|vc agora e|ahora eres|agora voce e|agora vc e|"
        r"agora tu es|now you are)\b",
        r"\b(do anything now|modo dan|dan mode|jailbreak\w*|jailbroken)\b",
        r"\bmodo (avo|deus|god|dan|jailbreak|livre|sem (filtros?|restric\w*|limites?|censura|"
        r"regras))\b",
        r"\b(vamos|let'?s|vamos a) (jogar|brincar|fazer|play|jugar)\b.{0,30}\b(jogo|game|juego|"
        r"roleplay|role-play|interpret\w*|personagem|faz de conta|de conta)\b.{0,60}\b(voce|vc|you|"
        r"tu)\b",
        r"\b(roleplay|role-play|role play)\b",
        r"\b(interpret\w*|entr\w* n[oa]|assum\w*|incorpor\w*|play\w*|haz|hacer|hace|vestir|"
        r"encarn\w*)"
        r" (o |a |um |uma |el |la |the |an? |un |una |no |do |da )?(papel|personagem|role|"
        r"character|"
        r"persona|personaje|figura)\b",
        r"\b(voce|vc|tu|you|eres|es|seja)\b.{0,12}\b(uma?|an?|una?)\b.{0,12}\b(ia|ai|bot|robo|"
        r"assistente|"
        r"assistant|modelo|inteligencia artificial|chatbot|secretaria)\b.{0,30}\b(livre|libre|sem|"
        r"without|sin|que nao|that doesn|que no|unrestricted|desbloquead\w*|liberad\w*|jailbroken|"
        r"free)\b",
        r"\b(personagem|character|personaje|persona)\b.{0,80}\b(sem|nao tem|without|sin|no tiene|"
        r"has no|nao segue|doesn'?t follow|no sigue)\b (nenhum\w* )?(filtros?|restric\w*|regras|"
        r"limites|censura|filters|rules|reglas|politica\w*|policies)\b",
        r"\b(faca de conta|faz de conta|haz de cuenta|hagamos de cuenta|suponha|suponga|suppose|"
        r"imagine|imagina|finja|finge|pretend)\b( que| that)? .{0,15}\b(voce|vc|tu|you|usted|eres|"
        r"seas|es|seja|sejas|fosse|are|were)\b.{0,40}\b(ia|ai|bot|admin\w*|dono|gerente|"
        r"desenvolvedor|sem|without|sin|livre|libre|free|hacker|sistema|system|humano|human|"
        r"outr[oa])\b",
        r"\b(juguemos|vamos jogar|vamos brincar|let'?s play|vamos a jugar|bora jogar|"
        r"bora brincar)\b"
        r".{0,40}\b(voce|vc|tu|you|eres|es|seja|ia|ai|bot|personagem|papel|role)\b",
        r"\bdan\b.{0,20}\b(sem|without|sin|no) (regras|rules|reglas|filtros?|limites|limits|"
        r"restric\w*|censura|filters?)\b",
        r"\b(teste|test|modo|mode|prueba)\w* (sem|without|sin) (nenhum\w* )?(filtros?|restric\w*|"
        r"regras|limites|censura|filters?|rules|reglas)\b",
        r"\brespond\w* como se (fosse|voce fosse|vc fosse) (o |a )?(dono|administrador|gerente|"
        r"medic\w*|doutor\w*|desenvolvedor|sistema|outra)",
        r"\b(sem|without|sin) (nenhum\w* )?(filtros?|restric\w*|censura|limites|filters|"
        r"restrictions|censorship|limits|restricciones)\b.{0,20}\b(responda|answer|responde|"
        r"fale|diga|modo|mode|agora|now)\b",
        r"\b(respond\w*|answer\w*|fal[ae]\w*|diga|diz|habla\w*|escrev\w*|talk|"
        r"speak)\b.{0,20}\b(sem|without|sin) (nenhum\w* )?(filtros?|"
        r"restric\w*|censura|limites|filters|restrictions|censorship|restricciones)\b",
    ),
    "delimiter": (
        r"(^|\n)\s*[\[(<{]?\s*(system|assistant|developer|admin|root|human|user)\s*[\])>}]?\s*:",
        r"(^|\n|[.!?] )\s*[\[(<{]?\s*(sistema|assistente|administrador|"
        r"desenvolvedor)\s*[\])>}]?\s*:"
        r".{0,60}\b(voce|vc|ignore|ignor\w*|nov[oa]s?|instruc\w*|regras?|a partir|agora|respond\w*|"
        r"modo|admin\w*|override|desativ\w*|liber\w*|priorid\w*|cancel\w*|export\w*|revel\w*|"
        r"esquec\w*|desconsider\w*|obedec\w*|sem restric\w*|todas? as)\b",
        r"\b(system|assistant|developer|admin)\s*:\s*(reveal|ignore|you|show|print|override|new|"
        r"act|forget|disregard|repeat|output|voce|revele|mostre|ignore|esqueca|novo|nova|modo)\b",
        r"<\s*/?\s*\w*(system|sys_|admin|assistant|instruc|prompt|command|comando|user_message|"
        r"developer|context)\w*\s*/?\s*>",
        r"\b(system|sistema|admin) (override|update|message|notice|alert|command|prompt|mode)\b",
        r"\b(priority|policy|policies|safety|filters?|politicas?|seguranca|filtros?|restrictions?)"
        r"\s*[=:]\s*(max|off|none|disabled|0|false|desativad\w*|nenhum\w*|zero|high|alta|maxima)\b",
        r"<\s*/?\s*(system|sys|assistant|instructions?|instrucoes|prompt|admin|developer|user|"
        r"context|im_start|im_end|s)\s*/?\s*>",
        r"<<\s*/?\s*sys\s*>>|\[\s*/?\s*(inst|sys|system|admin)\s*\]|<\|[^|>]{1,20}\|>",
        r"#{2,}\s*(system|sistema|instruc\w*|instructions?|nova|new|admin|override|developer|"
        r"prompt|end|fim|begin|inicio)",
        r"`{3}\s*(system|sistema|instructions?|prompt)",
        r"\b(mensagem|aviso|nota|comando|ordem|message|note|notice|mensaje|orden) (do|de|del|"
        r"from( the)?)"
        r" (sistema|system|administrador|admin|desenvolvedor|developer|servidor|server)\s*:",
        r"\[\s*(prioridade|priority|prioridad|urgent\w*|override|admin|system|sistema|root|"
        r"developer)\b[^\]]{0,20}\]",
        r"[\"']role[\"']\s*:\s*[\"'](system|assistant|developer)",
        r"\b(fim|end|final) (das|of|de las|do|the) (instruc\w*|instructions?|prompt|system|"
        r"sistema|regras)\b",
        r"(-{3,}|={3,}|\*{3,})\s*(nova|new|novo|system|sistema|instruc|admin|override|begin|end|"
        r"fim)",
    ),
    "extraction": (
        r"\b(repit\w*|repet\w*|mostr\w*|exib\w*|imprim\w*|print\w*|revel\w*|diga|diz|dize|dig[ao]|"
        r"cont[ae]|conta|traduz\w*|resum\w*|copi\w*|cole|escrev\w*|list\w*|me passa|passa|mand[ae]|"
        r"envi\w*|codifiqu\w*|encode|repeat|show|reveal|output|translate|summari[sz]e|tell|dump|"
        r"display|spell|write|give|dame|dime|muestra|revela|traduce|escribe|cuales son|quais sao|"
        r"qual e|what are|what is|qual era|recit\w*|soletr\w*|leia|read)\b.{0,30}"
        rf"\b{_MINE}?\s*{_RULES}\b.{{0,20}}\b{_BEFORE}",
        r"\b(repit\w*|repet\w*|mostr\w*|imprim\w*|print\w*|revel\w*|traduz\w*|resum\w*|copi\w*|"
        r"repeat|show|reveal|output|translate|summari[sz]e|dump|display|muestra|revela|traduce|"
        r"escrev\w*|write|diga|tell|dime|me passa|passa|mand[ae]|envi[ae]|send|give|me da|"
        r"dame)\b.{0,30}\b(suas|seus|sua|seu|tuas|teus|your|tus|sus)\s+"
        r"(instruc\w*|regras internas|diretrizes|prompt|system prompt|instructions|rules|"
        r"guidelines|"
        r"reglas|instrucciones|configurac\w*|programac\w*|mensagem inicial|initial message|"
        r"identificador|canary|chave|token|api key|segredos?|secrets?)",
        r"\b(system ?prompt|prompt (do|de) sistema|prompt inicial|prompt original|"
        r"mensagem de sistema|"
        r"system message|initial prompt|hidden prompt|prompt oculto|instruc\w* (ocultas|secretas|"
        r"internas|escondidas|do sistema|de sistema|iniciais|originais)|hidden instructions|"
        r"instrucciones (del sistema|ocultas|iniciales))\b",
        r"\b(texto|mensagem|mensagens|conteudo|tudo|text|everything|words|palavras|todo|"
        r"lo)\b.{0,15}"
        r"\b(acima|above|de arriba|antes (desta|dessa|da) conversa|before this (conversation|"
        r"message)|"
        r"antes de esta conversacion)\b",
        r"\b(identificador (interno|confidencial)|canary|sv-canary|api[ _-]?key|chave (da|de) api|"
        r"token (secreto|interno|de acesso)|secret key|chave secreta)\b",
        r"\b(suas|your|tus|sus) (instruc\w*|instructions|instrucciones)\b.{0,30}\b(base ?64|"
        r"ingles|english|espanhol|hex|binario|rot13|codigo)",
        r"\b(identificador|token|chave|key|senha|password|segredo|secret|credenciai?s|credentials|"
        r"api)\b.{0,40}\b(suas|your|tus|sus|seu|sua|tu|teu|tua|nas|in your|en tus) (configurac\w*|"
        r"settings|config\w*|instruc\w*|prompt|sistema|system)",
        r"\b(hidden|secret|secreto|secreta|oculto|oculta|interno|interna|escondid\w*) "
        r"(key|token|chave|identificador|identifier|api|prompt|codigo|code)\b",
        r"\b(configured|programmed|instructed|configurad\w*|programad\w*|instruid\w*)"
        r" (with|com|con|to|para)\b",
        r"\b(seu|sua|your|tu|teu|tua) (prompt|system prompt|pre-?prompt)\b",
        r"\b(minhas|my|mis|meus) (instruc\w*|instructions|instrucciones|regras|rules|reglas|"
        r"diretrizes) (sao|are|son)\b",
        r"\b(comec\w*|start\w*|begin\w*|empiez\w*|inici\w*)\b.{0,30}\b(resposta|answer|response|"
        r"respuesta|reply)\b.{0,10}\b(com|with|con)\b.{0,10}\b(instruc\w*|prompt|regras|rules)",
        r"\b(minhas|my|mis|meus|suas|your|tus|sus) (instruc\w*|instructions|instrucciones|regras|"
        r"rules|reglas|diretrizes) (dizem|say|dicen|mandam|tell|ordenam|falam)\b",
        r"\b(seu|sua|your|tu|teu|tua|tus|sus)\b (contexto|context|programac\w*|configurac\w*|"
        r"config|"
        r"variaveis|variables|memoria interna|parametros|parameters|ajustes internos)\b.{0,40}"
        r"(\?|\b(inteir\w*|complet\w*|todo|toda|tudo|entire|whole|full|incluindo|including))",
        r"\b(toda|todo|inteir\w*|complet\w*|manda|mostra|qual|quais|what|show|send|dime|cual|"
        r"copi\w*|"
        r"lista|resum\w*|passa|me da|revel\w*|print\w*|dump)\b.{0,30}\b(seu|sua|your|tu|teu|tua|"
        r"tus|"
        r"sus)\b (contexto|context|programac\w*|configurac\w*|config|variaveis|variables|"
        r"parametros|"
        r"parameters)\b",
        r"\b(texto|mensagem|tudo|text|everything|lo|conteudo|content)\b.{0,10}\b(que (vem|veio|"
        r"esta|"
        r"aparece|viene|esta)|that (comes|came|is|appears)) (antes|acima|before|above|arriba)\b",
        r"\b(o que|what|lo que|que)\b.{0,10}\b(were you|you were|foi|te foi|voce foi|vc foi|te han|"
        r"te|lhe|you)\b.{0,5}\b(told|instructed|instruid\w*|orientad\w*|proibid\w*|prohibid\w*|"
        r"dicho|dito|forbidden|ordered|ordenad\w*|programad\w*|programmed)\b",
        r"\b(o que|what|lo que)\b.{0,15}\b(tem|tiene|tienes|are|is|esta|es|e)\b.{0,5}\b(proibid\w*|"
        r"prohibid\w*|forbidden|not allowed)\b",
        r"\b(token|chave|key|senha|password|credenciai?s|credentials|secret)\b.{0,30}\b(voce|vc|"
        r"you|"
        r"tu) (usa|use|uses|usas|utiliza\w*)\b",
        r"\b(configurou|programou|instruiu|ensinou|configured|programmed|instructed|taught|"
        r"configuro|"
        r"programo|mandou)\b (pra |para |for |to |a )?(voce|vc|you|ti|te)\b",
        r"\b(regras|reglas|rules|instruc\w*|instructions|instrucciones|diretrizes|directrices|"
        r"orientac\w*) (que|that|which) (te|lhe|you|le) (deram|dieron|gave|passaram|were given|"
        r"fueron dadas|foram dadas|dio|deu|dio|passou)\b",
        r"\b(prompt|instruc\w*|regras|diretrizes|rules|instructions|reglas)\b.{0,12}\b(q|que|that|"
        r"which)\b.{0,4}\b(te|lhe|you|le)\b.{0,4}\b(deram|passaram|deu|passou|gave|given|dieron|"
        r"dio|"
        r"programaram|configuraram|ensinaram)\b",
        r"\b(quais sao|qual e|quais|what are|cuales son|me (diz|diga|fala|conta|mostra)|"
        r"tell me)\b.{0,12}"
        r"\b(suas|your|tus|sus|teus|tuas)\s+(instruc\w*|instructions|instrucciones|diretrizes|"
        r"directrices|guidelines)\b(?!\s+(de|para|pra|do|da|sobre|for|about)\b)",
        r"\b(com o que|with what|with which|con que) (palavras|words|frase)\b.{0,20}\b(comec\w*|"
        r"inicia\w*|start\w*|begin\w*|empiez\w*)",
        r"\b(primeira|first|primera) (frase|linha|mensagem|palavra|sentence|line|message|words?)\b"
        r".{0,30}\b(instruc\w*|prompt|sistema|system|recebeu|received|conversa|conversation)",
    ),
    "debug": (
        r"\b(ativ\w*|activ\w*|entr\w*|enable\w*|enter\w*|lig\w*|switch\w*|mud\w* para|habilit\w*|"
        r"inici\w*|turn on|abr\w*|coloc\w*|pon\w*|put)\b.{0,15}\b(o |no |em |en |el |in |into |"
        r"to )?"
        r"(modo|mode|modalidad)\s+(de\s+)?(debug|depurac\w*|desenvolvedor|dev|developer|pruebas|"
        r"testes|"
        r"manutencao|maintenance|mantenimiento|teste|test|admin|administrador|root|god|deus|"
        r"irrestrito|desarrollador|sudo|diagnostico|diagnostic|superusuario|superuser)\b",
        r"\b(modo|mode|modalidad)\s+(de\s+)?(debug|depurac\w*|desenvolvedor|dev|developer|pruebas|"
        r"admin|administrador|root|god|deus|irrestrito|desarrollador|sudo|superusuario|superuser)\b"
        r".{0,10}\b(ativad\w*|activad\w*|on|habilitad\w*|ligad\w*|enabled|activated|iniciad\w*|"
        r"liberad\w*)\b",
        r"\b(modo|mode) (debug|desenvolvedor|developer|god|deus|root|sudo|dan|irrestrito|superuser|"
        r"superusuario|admin)\b",
        r"\b(debug|developer|admin|god|sudo|root|dev|jailbreak|unrestricted) mode\b",
        r"\b(chave|token|credenciai?s|key|password|senha mestra|master password) (de |do |"
        r"of )?(acesso|"
        r"access|admin\w*|mestre|master|interna|internal|root)\b",
        r"\b(comandos|commands|funcoes|functions|ferramentas|tools|endpoints) (internos|internas|"
        r"internal|ocultos|ocultas|hidden|secretos|secretas|escondid\w*|de admin\w*)\b",
        r"\b(verific\w*|test\w*|chec\w*|audit\w*|inspec\w*|debug\w*)\b (o |a |the |el )?(bot|"
        r"sistema|"
        r"ia|robo|assistente|chatbot|prompt|seguranca)\b.{0,80}\b(manda|envia|passa|mostra|send|"
        r"show|"
        r"give|dame|revel\w*|chave|senha|token|prompt|instruc\w*|configurac\w*|lista|comandos)\b",
        r"\b(sou|eu sou|i am|i'm|im|soy|aqui e|here is|this is) (o |a |um |uma |el |la |your |seu |"
        r"sua |tu |teu |tua )?(seu |sua |your |tu |teu |tua )?(desenvolvedor\w*|developer|"
        r"programador\w*|criador\w*|creator|admin\w*|engenheir\w*|engineer|desarrollador|"
        r"dono do (bot|sistema|chat)|owner of (the|this) (bot|system))\b.{0,60}"
        r"\b(seu|sua|your|tu|teu|do sistema|do bot|da ia|deste|desta|this|del sistema|"
        r"teste|testar|test|acesso|access|liber\w*|desativ\w*|disable|comando|command|override|"
        r"debug|filtros?|filters?|autoriz\w*|authori[sz]\w*|ordem|order|credenciais)\b",
        r"\b(sou|eu sou|i am|i'm|soy) (o |a |el |your |seu |sua )?(seu |sua |your |tu )?"
        r"(desenvolvedor\w*|developer|programador\w*|criador\w*|creator|administrador\w*|"
        r"desarrollador)\b[.!,]?\s*$",
        r"\b(sou|eu sou|i am|i'm|soy) (o |a |el |your |seu |sua )?(seu |sua |your |tu )?"
        r"(desenvolvedor\w*|developer|programador\w*|criador\w*|creator|administrador\w*|"
        r"desarrollador)\b\s*[,.;:!-]\s*\w*(ativ\w*|activ\w*|enable|entre|enter|libere|desativ\w*|"
        r"disable|mostr\w*|show|muestra)",
        r"(^|\s)sudo\s+\w|\b(override|admin|acesso|access|autorizac\w*|authori[sz]ation|"
        r"desbloqueio|unlock|seguranca|security)\s+(code|codigo|key|chave|token|senha|password)\b",
        r"\b(debug|verbose|admin|dev_?mode|god_?mode|sudo|root|unsafe|safe_?mode|"
        r"jailbreak)\s*[=:]\s*"
        r"(true|1|on|yes|sim|false|0|off)\b",
        r"(^|\s)/(admin|sudo|root|debug|dev|system|override|unlock|jailbreak|config)\b|"
        r"--(token|override|admin|unsafe|no-?filters?|debug|root)\b",
        r"\b(teste|test|prueba)\w* (interno|autorizado|internal|authori[sz]ed|interna|autorizada)\b"
        r".{0,60}\b(desativ\w*|disable|sem|without|liber\w*|bypass|ignor\w*|autoriz\w*|confirm\w*|"
        r"acesso|access)",
        r"\b(autorizad\w*|authori[sz]ed|aprovad\w*) (pel[oa]|by) (a |o |the )?(gerencia|diretoria|"
        r"administrac\w*|management|direcao|dono|admin\w*)\b.{0,40}\b(desativ\w*|disable|liber\w*|"
        r"ignor\w*|sem|without|bypass|cancel\w*|acesso|access|dados|data)",
        r"\b(codigo|code) (de )?(override|admin\w*|desbloqueio|unlock|root|mestre|master)\b",
        r"\b(equipe|time|setor|departamento|team|departamento) (de |of )?(ti|tecnologia|seguranca|"
        r"suporte tecnico|desenvolvimento|it|security|engineering|sistemas)\b.{0,60}"
        r"\b(teste|testar|test|acesso|access|liber\w*|desativ\w*|disable|sem filtros?|"
        r"without filters?|debug|override|prompt|instruc\w*|configurac\w*|credenciais|senha|dados)",
        r"\b(desativ\w*|deslig\w*|remov\w*|disable|turn off|desactiv\w*|quit\w*|bypass|burl\w*)\b"
        r".{0,25}\b(seus |os |suas |as |your |the |tus |los )?(filtros?|guardrails?|protec\w*|"
        r"restric\w*|seguranca|safety|filters?|censura|moderac\w*|limites|restricciones)\b",
        r"\b(authori[sz]ed|autorizad\w*) (by|pel[oa]) (the |o |a )?(admin\w*|developer|"
        r"desenvolvedor\w*|openai|google|anthropic|dono|gerente)",
        r"\b(comando|command|orden) (de |do )?(admin\w*|sistema|system|root|desenvolvedor)\b",
    ),
    "data": (
        r"\b(lista|listar|liste|listem|relacao|relatorio|planilha|export\w*|baix\w*|dump|list|"
        r"extrai\w*|extract|base|banco de dados|database|todos os|todas as|all|every|cada|"
        r"todos los|todas las)\b.{0,30}\b(clientes|pacientes|clientas|pacientas|agendamentos|"
        r"contatos|telefones|numeros|cpfs?|e-?mails|consultas marcadas|usuarios|cadastros|"
        r"prontuarios|customers|"
        r"patients|clients|appointments|contacts|phone numbers|users|records|citas|usuarios)\b",
        r"\b(telefones?|celular\w*|numeros?|whats\w*|zap|contatos?|cpfs?|rgs?|enderecos?|"
        r"e-?mails?|dados|prontuarios?|historicos?|diagnosticos?|exames?|resultados?|laudos?|"
        r"phones?|"
        r"numbers?|address\w*|data|records?|telefonos?|direccion\w*|datos)\b.{0,20}\b(d[aoe]s?|of|"
        r"del?) (outr[oa]s? )?"
        r"(paciente|cliente|usuari[oa]|patient|customer|client|user|otro paciente|otra paciente|"
        r"otro cliente)s?\b(?! (que sou|que e meu|sou eu))",
        r"\b(quais|which|cuales|que|quantos|how many) (clientes|pacientes|customers|patients|"
        r"usuarios|clients) (estao|tem|marcaram|vem|vieram|are|have|devem|deve|pagaram|faltaram|"
        r"estan|tienen|did|owe)\b",
        r"\b(de|of|da|do) (todo mundo|todos|everyone|everybody|todas as pessoas|todos los|"
        r"todas las|"
        r"all the (people|customers|patients)) (que|who|that)\b",
        r"\b(pessoas|clientes|pacientes|clientas|pacientas|people|customers|patients)\b.{0,60}"
        r"\b(quem sao|quem foram|who are|who were|quienes son|quienes fueron|os nomes|"
        r"com (os )?nomes|"
        r"with (their )?names|con (sus )?nombres)\b",
        r"\bagenda\b.{0,40}\b(com (os )?nomes|with names|con nombres|completa|inteira|de todos|"
        r"dos pacientes|dos clientes|de los pacientes)\b",
        r"\b(customer|client|patient|user|clientes|pacientes|usuarios)s? (table|tabela|tabla|"
        r"database|db|records|cadastro)\b|\b(tabela|tabla|table|base|banco) (de |dos |das |of )?"
        r"(clientes|pacientes|usuarios|contatos|customers|patients|users)\b",
        r"^(?=.*\b(nao (conta|fala|diga|avisa|conte|fale) (pra|para|a) (ele|ela)|sem (ele|"
        r"ela) saber|"
        r"nao quer(ia)? me contar|(ele|ela) nao (pode|precisa) saber|surpresa|escondido)\b)"
        r"(?=.*\b(marcou|agendou|diagnostico|endereco|telefone|exames?|resultado|com quem|"
        r"que horas (ele|ela)|prontuario)\b)",
        r"\b(outr[oa]s|demais|other|otros|otras) (clientes|pacientes|usuarios|pessoas que|"
        r"customers|"
        r"patients|clients|users)\b",
        r"\bquem (marcou|agendou|esta marcad\w*|esta agendad\w*|vem|veio|tem (consulta|horario)|"
        r"foi atendid\w*|e o (proximo|paciente))\b.{0,40}\b(\d|hoje|amanha|ontem|antes|depois|"
        r"manha|tarde|semana|horario|as|de)\b",
        r"\b(telefone|celular|numero|whats\w*|contato|cpf|endereco|e-?mail|dados)\b.{0,20}"
        r"\b(d[aoe]) \w+\b.{0,10}\b(que )(veio|esteve|marcou|agendou|foi atendid\w*|passou|"
        r"consultou|estava)\b",
        r"\b(who (booked|has an appointment|came|is scheduled)|quien (reservo|tiene cita|vino))\b",
        r"\bselect\s+\*?\s*\w*\s*from\b|\bunion\s+select\b|\bdrop\s+table\b|;\s*--",
        r"\b(dados|data|datos|agenda|agendamentos|schedule) (de|do|da|of|del) (todos|todo mundo|"
        r"everyone|everybody|todos los|geral)\b",
        r"\b(cliente|paciente|customer|patient) (numero|n|#|id)?\s*\d{2,}",
    ),
    "harmful": (
        r"\b(como|how (to|do i|can i)|como se|jeito de|maneira de|forma de|receita de|recipe|"
        r"passo a passo|step by step|ensina\w*|teach|instruc\w* para|instructions (for|to)|"
        r"me ensina|tutorial)\b.{0,40}\b(fazer|fabricar|montar|criar|preparar|produzir|sintetizar|"
        r"make|build|synthesi[sz]e|cook|produce|create|hacer|fabricar|cozinhar)?\b.{0,20}"
        r"\b(bombas?|explosiv\w*|venenos?|armas?( de fogo| caseira)?|metanfetamina|cocaina|crack|"
        r"drogas?|lsd|napalm|molotov|bombs?|explosives?|poisons?|weapons?|meth|guns?|firearms?|"
        r"ricina|ricin|antraz|anthrax|sarin|cianeto|cyanide|arsenico|arsenic)\b",
        r"\b(como|how (to|do i|can i)|ensina\w*|me ajuda a|help me)\b.{0,20}\b(hackear|invadir|"
        r"clonar|hack|break into|crack|roubar|steal|fraudar|falsificar|forjar|forge|phishing|"
        r"espionar|spy on|rastrear o celular)\b",
        r"\b(misturar|mix\w*|mezcl\w*|combin\w*)\b.{0,50}\b(toxic\w*|venenos\w*|explosiv\w*|veneno|"
        r"poison\w*|gas (toxico|venenoso|mortal)|letal|lethal|mortal)\b",
        r"\b(gas (toxico|venenoso|mortal|letal)|toxic gas|poison gas|nerve agent|gas sarin)\b",
        r"\b(atestados?|receitas?|laudos?|certificad\w*|diplomas?|documentos?|assinaturas?|"
        r"notas? fisca\w*|sick notes?|prescriptions?|medical certificates?)\b.{0,20}"
        r"\b(falso|falsa|falsos|falsas|fake|forjad\w*|falsificad\w*|frio|fria|sem consulta|"
        r"sem ir)\b",
        r"\b(falsific\w*|forj\w*|forge|fake|fabric\w*)\b.{0,10}\b(um |uma )?(atestado|"
        r"receita|laudo|assinatura|sick note|prescription|medical certificate)\b.{0,30}"
        r"\b(falso|fake|sem|without|pra faltar|data anterior|retroativ)",
        r"\b(mat[ao]|matar|kill\w*|envenen\w*|poison\w*|mata)\b.{0,40}\b(pessoa|alguem|someone|"
        r"person|persona|perro|cachorro|gato|vizinh\w*|vecino|marido|esposa|sogra|chefe|sem deixar "
        r"rastro|sin que se note|without (a )?trace)\b",
        r"\b(sem deixar rastro|without (leaving )?a trace|sin dejar rastro|sin que se note|"
        r"sem que (ninguem )?(perceba|note|descubra)|untraceable|irrastreavel|ghost gun)\b",
        r"\b(escrev\w*|write|cri[ae]\w*|create|faz|faca|gera\w*|generate|monta|redij\w*|draft|"
        r"elabor\w*|escrib\w*|haz|crea)\b.{0,60}\b(phishing|golpe|scam|boleto falso|fraude|"
        r"mensagem falsa|mensage(m|ns) em massa|disparo em massa|spam|fake (invoice|boleto|"
        r"message)|estafa)\b",
        r"\b(como|how|jeito de|ensina\w*)\b.{0,20}\b(invad\w*|hacke\w*|clon\w*|espion\w*|"
        r"rastre\w* o celular|roub\w* (a )?(senha|conta)|hack\w*)\b",
        r"\b(faz|faca|emit\w*|gera\w*|escrev\w*|make|write|cri[ae]\w*|prepar\w*|manda)\b.{0,10}"
        r"\b(uma |um |a |an )?(receita|atestado|laudo|prescription|sick note)\b.{0,60}"
        r"\b(sem consulta|no nome d\w*|com (o )?crm|assinatura|carimbo|pra faltar|retroativ\w*|"
        r"data anterior|without)",
        r"\b(malware|ransomware|keylogger|virus de computador|trojan|botnet|ddos|exploit|"
        r"spyware)\b",
        r"\b(clonar|clone) (cartao|cartoes|whatsapp|card|chip)\b",
    ),
}
# Attacks spelled letter by letter with no gap between words ("i g n o r e a l l p r e v i o u s
# i n s t r u c t i o n s"): joined, the words run together, so these are looked for without
# word boundaries, and only in text that was spelled out that way.
COMPACT = (
    r"(ignor\w{0,3}|esquec\w{0,3}|desconsider\w{0,3}|disregard|forget|olvid\w{0,3}|override)"
    r"(all|the|as|todas|todasas|suas|your|las|tus|sus|previous|prior|anteriores|above|de|the){0,3}"
    r"(instruc|instruct|regras|rules|reglas|prompt|diretrizes|guidelines)",
    r"(system|sistema)(prompt)|(reveal|show|print|mostre|revele|repita|repeat)(me)?(your|seu|suas|"
    r"o|the)?"
    r"(prompt|instruc|instructions|regras|rules)",
    r"modo(debug|desenvolvedor|dev|admin|dan|deus)|(debug|developer|god)mode|jailbreak|"
    r"doanythingnow|youarenow|apartirdeagoravoce",
)
_COMPACT = re.compile("|".join(f"(?:{p})" for p in COMPACT))
_COMPILED = {
    category: re.compile("|".join(f"(?:{p})" for p in patterns), re.S)
    for category, patterns in PATTERNS.items()
}
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
_JOINED = re.compile(r"(?<![\w])(?:[^\W_][.\-_*/|]){1,}[^\W_](?![\w])")
# Eight or more single letters in a row, whatever separates them: a word spelled out.
_SPELLED = re.compile(r"(?<![\w])(?:[^\W_][\s.\-_*/|,]{1,4}){7,}[^\W_](?![\w])")
_SPACED = re.compile(r"(?<![\w])(?:[^\W_] ){1,}[^\W_](?![\w])")


@lru_cache(maxsize=4096)
def _latin(ch: str) -> str:
    """A letter from another script that looks like a Latin one, as that Latin letter: "А",
    "а" (Cyrillic) -> "A", "a"; an upper-case look-alike prefers an upper-case letter ("І" is
    "I", not "l")."""
    if ch.isascii() or not ch.isalpha():
        return ch
    if unicodedata.name(ch, "").startswith("LATIN"):
        return ch  # "ã", "ç": folded later, never "mapped"
    if ch.isupper() and ch.lower() != ch:
        lower = _latin(ch.lower())
        if lower.isascii():
            return lower.upper()
    found = confusables.is_confusable(ch, preferred_aliases=["latin"])
    if not found:
        return ch
    letters = [str(g["c"]) for g in found[0]["homoglyphs"] if g["c"].isascii() and g["c"].isalpha()]
    same_case = [c for c in letters if c.isupper() == ch.isupper()]
    return (same_case or letters or [ch])[0]


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(ZERO_WIDTH)
    text = "".join(_latin(ch) for ch in text).lower()
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return re.sub(r"(\w)\1{2,}", r"\1", folded)  # "ignoooore" -> "ignore"


def _unleet(text: str) -> str:
    """Digits and symbols inside words read as the letters they stand for."""
    return re.sub(r"\S*[a-z]\S*", lambda word: word.group().translate(_LEET).strip("!"), text)


def _unspaced(text: str) -> str:
    """Letters pulled apart joined again: "i.g.n.o.r.e", "m_o_d_o" and "i g n o r e  a s"
    (a single space between letters, two or more between words). Runs of one-letter words of
    real prose ("e a o") are too short to be joined."""
    text = _JOINED.sub(lambda run: re.sub(r"[.\-_*/|]", "", run.group()), text)
    words = re.split(r"\s{2,}", text)
    return " ".join(_SPACED.sub(lambda run: run.group().replace(" ", ""), w) for w in words)


def _decoded(text: str) -> list[str]:
    out = []
    for run in _BASE64.findall(text):
        try:
            raw = base64.b64decode(run + "=" * (-len(run) % 4), altchars=b"-_", validate=False)
            decoded = raw.decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        printable = sum(ch.isprintable() for ch in decoded)
        if decoded and printable / len(decoded) > 0.9 and re.search(r"[a-zA-Z]{3}", decoded):
            out.append(decoded)
    return out


def views(text: str, depth: int = 0) -> list[str]:
    """Every reading of `text` the patterns are tried on."""
    spaced = _plain(text)
    plain = re.sub(r"[ \t]+", " ", spaced)
    seen = [
        plain,
        _unleet(plain),
        _unspaced(spaced),
        _unspaced(_unleet(spaced)),
        plain[::-1],
        codecs.encode(plain, "rot13"),
    ]
    if depth < 2:
        for decoded in _decoded(unicodedata.normalize("NFKC", text).translate(ZERO_WIDTH)):
            seen.extend(views(decoded, depth + 1))
    return list(dict.fromkeys(seen))


def injection_category(text: str) -> str | None:
    """The kind of attack `text` is, or None for an ordinary message."""
    if not text:
        return None
    for view in views(text[:4000]):
        for category, pattern in _COMPILED.items():
            if pattern.search(view):
                return category
    return "obfuscated" if _spelled_out_attack(text[:4000]) else None


def _spelled_out_attack(text: str) -> bool:
    plain = _plain(text)
    runs = [re.sub(r"\W", "", run.group()) for run in _SPELLED.finditer(plain)]
    runs += [_unleet(run) for run in runs]
    return any(_COMPACT.search(run) for run in runs)


def is_injection(text: str) -> bool:
    return injection_category(text) is not None
