<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko" sourcelanguage="en">
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Enabled</source>
        <translation>사용</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <source>Choose a folder for %1</source>
        <translation>%1 폴더 선택</translation>
    </message>
    <message>
        <source>Template error: %1</source>
        <translation>템플릿 오류: %1</translation>
    </message>
    <message>
        <source>Template is valid.</source>
        <translation>템플릿이 올바릅니다.</translation>
    </message>
    <message>
        <source>Empty: the model&apos;s own template is used.</source>
        <translation>비어 있음: 모델에 들어 있는 템플릿을 사용합니다.</translation>
    </message>
    <message>
        <source>Settings</source>
        <extracomment>Which editor each field type gets. ``{name: new value}`` of the settings changed by OK or Apply. Names (among the applied changes) that take effect only after the model reloads.</extracomment>
        <translation>설정</translation>
    </message>
    <message>
        <source>Settings sections</source>
        <translation>설정 항목</translation>
    </message>
    <message>
        <source>General</source>
        <translation>일반</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Chat</source>
        <translation>채팅</translation>
    </message>
    <message>
        <source>%1:</source>
        <translation>%1:</translation>
    </message>
    <message>
        <source>Default: %1</source>
        <translation>기본값: %1</translation>
    </message>
    <message>
        <source>Reset</source>
        <translation>초기화</translation>
    </message>
    <message>
        <source>Reset to the default value</source>
        <translation>기본값으로 되돌립니다</translation>
    </message>
    <message>
        <source>Reset %1 to default</source>
        <translation>%1 기본값으로 되돌리기</translation>
    </message>
    <message>
        <source>On</source>
        <translation>켜짐</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>꺼짐</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>(비어 있음)</translation>
    </message>
    <message>
        <source>(hidden)</source>
        <translation>(숨김)</translation>
    </message>
    <message>
        <source>Changing %1 reloads the model. It reloads in the background.</source>
        <translation>%1 항목을 바꾸면 모델을 다시 불러옵니다. 다시 불러오기는 백그라운드에서 진행됩니다.</translation>
    </message>
    <message>
        <source>%1 cannot be saved: %2</source>
        <translation>%1 항목을 저장할 수 없습니다: %2</translation>
    </message>
</context>
<context>
    <name>SettingsSchema</name>
    <message>
        <source>Theme</source>
        <translation>테마</translation>
    </message>
    <message>
        <source>Light or dark colours. System follows your operating system&apos;s setting.</source>
        <translation>밝은 색 또는 어두운 색을 씁니다. ‘시스템’은 운영체제 설정을 따릅니다.</translation>
    </message>
    <message>
        <source>System</source>
        <translation>시스템</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>밝게</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>어둡게</translation>
    </message>
    <message>
        <source>Font size</source>
        <translation>글꼴 크기</translation>
    </message>
    <message>
        <source>Text size in points for the whole window. System uses your operating system&apos;s size.</source>
        <translation>창 전체의 글자 크기(포인트)입니다. ‘시스템’은 운영체제의 글자 크기를 씁니다.</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>언어</translation>
    </message>
    <message>
        <source>Language of the menus and dialogs. System follows your operating system.</source>
        <translation>메뉴와 대화 상자에 쓰는 언어입니다. ‘시스템’은 운영체제 언어를 따릅니다.</translation>
    </message>
    <message>
        <source>English</source>
        <translation>영어</translation>
    </message>
    <message>
        <source>Korean</source>
        <translation>한국어</translation>
    </message>
    <message>
        <source>Default model</source>
        <translation>기본 모델</translation>
    </message>
    <message>
        <source>The model new chats start with. Empty means the most recently used model.</source>
        <translation>새 채팅을 시작할 때 쓰는 모델입니다. 비워 두면 가장 최근에 쓴 모델을 씁니다.</translation>
    </message>
    <message>
        <source>Models folder</source>
        <translation>모델 폴더</translation>
    </message>
    <message>
        <source>Where downloaded models are kept. Empty means the app&apos;s standard folder.</source>
        <translation>내려받은 모델을 보관하는 폴더입니다. 비워 두면 앱의 기본 폴더를 씁니다.</translation>
    </message>
    <message>
        <source>CPU threads</source>
        <translation>CPU 스레드</translation>
    </message>
    <message>
        <source>How many processor threads generate text. Auto uses one per physical core.</source>
        <translation>텍스트를 생성할 프로세서 스레드 수입니다. ‘자동’은 물리 코어마다 하나씩 씁니다.</translation>
    </message>
    <message>
        <source>Auto</source>
        <translation>자동</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>장치</translation>
    </message>
    <message>
        <source>Where the model runs. Auto uses a GPU when this build can and falls back to the CPU.</source>
        <translation>모델을 실행할 장치입니다. ‘자동’은 가능하면 GPU를 쓰고, 안 되면 CPU에서 실행합니다.</translation>
    </message>
    <message>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <source>GPU</source>
        <translation>GPU</translation>
    </message>
    <message>
        <source>Reopen last chat at start-up</source>
        <translation>시작할 때 마지막 채팅 다시 열기</translation>
    </message>
    <message>
        <source>Open the chat you were in when the app was last closed.</source>
        <translation>앱을 마지막으로 닫을 때 보던 채팅을 엽니다.</translation>
    </message>
    <message>
        <source>Hugging Face token</source>
        <translation>Hugging Face 토큰</translation>
    </message>
    <message>
        <source>Optional access token for gated or private models on Hugging Face. Stored only on this computer.</source>
        <translation>Hugging Face의 접근 제한 모델이나 비공개 모델을 받을 때 쓰는 액세스 토큰입니다(선택 사항). 이 컴퓨터에만 저장됩니다.</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>컨텍스트 길이</translation>
    </message>
    <message>
        <source>How many tokens of the conversation the model can see at once. Larger uses more memory.</source>
        <translation>모델이 한 번에 볼 수 있는 대화의 토큰 수입니다. 클수록 메모리를 더 많이 씁니다.</translation>
    </message>
    <message>
        <source>GPU layers</source>
        <translation>GPU 레이어</translation>
    </message>
    <message>
        <source>How many of the model&apos;s layers run on the GPU. All offloads as many as fit.</source>
        <translation>GPU에서 실행할 모델 레이어 수입니다. ‘전체’는 메모리에 들어가는 만큼 모두 GPU로 보냅니다.</translation>
    </message>
    <message>
        <source>All</source>
        <translation>전체</translation>
    </message>
    <message>
        <source>Chat template</source>
        <translation>채팅 템플릿</translation>
    </message>
    <message>
        <source>Jinja template that turns the conversation into the model&apos;s prompt. Empty uses the template stored in the model file.</source>
        <translation>대화를 모델의 프롬프트로 바꾸는 Jinja 템플릿입니다. 비워 두면 모델 파일에 저장된 템플릿을 씁니다.</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>시스템 프롬프트</translation>
    </message>
    <message>
        <source>Instructions given to the model at the start of every chat.</source>
        <translation>모든 채팅을 시작할 때 모델에게 주는 지시문입니다.</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>온도</translation>
    </message>
    <message>
        <source>Higher values give more varied answers, lower values more focused ones.</source>
        <translation>높을수록 다양한 답변이, 낮을수록 일관된 답변이 나옵니다.</translation>
    </message>
    <message>
        <source>Top-K</source>
        <translation>Top-K</translation>
    </message>
    <message>
        <source>Choose each word among this many most likely candidates. 0 turns it off.</source>
        <translation>가능성이 가장 높은 후보 가운데 이 개수 안에서 다음 단어를 고릅니다. 0이면 쓰지 않습니다.</translation>
    </message>
    <message>
        <source>Top-P</source>
        <translation>Top-P</translation>
    </message>
    <message>
        <source>Choose among the most likely words whose probabilities add up to this value.</source>
        <translation>가능성이 높은 단어부터 확률을 더해 이 값에 이를 때까지의 단어 중에서 고릅니다.</translation>
    </message>
    <message>
        <source>Min-P</source>
        <translation>Min-P</translation>
    </message>
    <message>
        <source>Ignore words less likely than this fraction of the most likely word.</source>
        <translation>가장 가능성 높은 단어의 확률에 이 비율을 곱한 값보다 확률이 낮은 단어는 제외합니다.</translation>
    </message>
    <message>
        <source>Repeat penalty</source>
        <translation>반복 페널티</translation>
    </message>
    <message>
        <source>Discourages repeating recent words. 1 turns it off.</source>
        <translation>최근에 나온 단어를 되풀이하지 않게 합니다. 1이면 쓰지 않습니다.</translation>
    </message>
    <message>
        <source>Repeat penalty window</source>
        <translation>반복 페널티 범위</translation>
    </message>
    <message>
        <source>How many recent tokens the repeat penalty looks at.</source>
        <translation>반복 페널티가 살펴보는 최근 토큰 수입니다.</translation>
    </message>
    <message>
        <source>Maximum answer length</source>
        <translation>최대 답변 길이</translation>
    </message>
    <message>
        <source>The longest answer, in tokens, before generation stops.</source>
        <translation>생성을 멈추기 전까지 답변의 최대 길이(토큰 수)입니다.</translation>
    </message>
    <message>
        <source>Seed</source>
        <translation>시드</translation>
    </message>
    <message>
        <source>Fixes the random choices so an answer can be repeated. Random picks a new seed each time.</source>
        <translation>무작위 선택을 고정해 같은 답변을 다시 얻을 수 있게 합니다. ‘무작위’는 매번 새 시드를 고릅니다.</translation>
    </message>
    <message>
        <source>Random</source>
        <translation>무작위</translation>
    </message>
</context>
</TS>
