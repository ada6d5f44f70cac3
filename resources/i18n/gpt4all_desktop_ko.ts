<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ko" sourcelanguage="en">
<context>
    <name>CatalogTab</name>
    <message>
        <source>Only models that answer well in Korean</source>
        <translation>한국어를 잘하는 모델만 보기</translation>
    </message>
    <message>
        <source>Show only models good at Korean</source>
        <translation>한국어에 강한 모델만 표시</translation>
    </message>
    <message>
        <source>Curated models</source>
        <translation>추천 모델</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>파라미터</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>양자화</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>크기</translation>
    </message>
    <message>
        <source>Languages</source>
        <translation>언어</translation>
    </message>
    <message>
        <source>On this computer</source>
        <translation>이 컴퓨터에서</translation>
    </message>
    <message>
        <source>Hand-picked models that run well on ordinary computers.</source>
        <translation>일반 컴퓨터에서도 잘 돌아가는 엄선된 모델입니다.</translation>
    </message>
    <message>
        <source>good in Korean</source>
        <translation>한국어 우수</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>설치됨</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>다운로드</translation>
    </message>
    <message>
        <source>Download %1</source>
        <translation>%1 다운로드</translation>
    </message>
    <message>
        <source>Licence: %1</source>
        <translation>라이선스: %1</translation>
    </message>
    <message>
        <source>Context: up to %1 tokens</source>
        <translation>컨텍스트: 최대 %1 토큰</translation>
    </message>
</context>
<context>
    <name>ChatListModel</name>
    <message>
        <source>Today</source>
        <translation>오늘</translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation>어제</translation>
    </message>
    <message>
        <source>Previous 7 days</source>
        <translation>지난 7일</translation>
    </message>
    <message>
        <source>Older</source>
        <translation>이전</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>새 채팅</translation>
    </message>
</context>
<context>
    <name>ChatView</name>
    <message>
        <source>Conversation</source>
        <translation>대화</translation>
    </message>
    <message>
        <source>Show earlier messages</source>
        <translation>이전 메시지 보기</translation>
    </message>
    <message>
        <source>Ask anything. Your conversation stays on this computer.</source>
        <translation>무엇이든 물어보세요. 대화 내용은 이 컴퓨터에만 저장됩니다.</translation>
    </message>
</context>
<context>
    <name>Composer</name>
    <message>
        <source>Message the model — Enter to send, Shift+Enter for a new line</source>
        <translation>모델에게 메시지 보내기 — Enter로 보내기, Shift+Enter로 줄 바꿈</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>메시지</translation>
    </message>
</context>
<context>
    <name>DownloadRow</name>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1시간 %2분</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1분 %2초</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1초</translation>
    </message>
    <message>
        <source>Download progress of %1</source>
        <translation>%1 다운로드 진행률</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>일시 중지</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>계속</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>취소</translation>
    </message>
    <message>
        <source>Remove from list</source>
        <translation>목록에서 제거</translation>
    </message>
    <message>
        <source>Pause download</source>
        <translation>다운로드 일시 중지</translation>
    </message>
    <message>
        <source>Resume download</source>
        <translation>다운로드 계속</translation>
    </message>
    <message>
        <source>Cancel download and delete the partial file</source>
        <translation>다운로드를 취소하고 받다 만 파일 삭제</translation>
    </message>
    <message>
        <source>Remove from the list</source>
        <translation>목록에서 제거</translation>
    </message>
    <message>
        <source>%1 of %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1 — %2/s — %3 left</source>
        <translation>%1 — %2/s — %3 남음</translation>
    </message>
    <message>
        <source>Waiting for a free download slot</source>
        <translation>다운로드 차례를 기다리는 중</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>다운로드 중</translation>
    </message>
    <message>
        <source>Reconnecting</source>
        <translation>다시 연결하는 중</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>일시 중지됨</translation>
    </message>
    <message>
        <source>Verifying</source>
        <translation>확인하는 중</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>설치됨</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>실패</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>취소됨</translation>
    </message>
</context>
<context>
    <name>DownloadsTab</name>
    <message>
        <source>No downloads yet. Pick a model in the Catalog or search Hugging Face.</source>
        <translation>아직 다운로드한 항목이 없습니다. 카탈로그에서 모델을 고르거나 Hugging Face에서 검색하세요.</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>다운로드</translation>
    </message>
</context>
<context>
    <name>FitBadge</name>
    <message>
        <source>Unknown</source>
        <translation>알 수 없음</translation>
    </message>
    <message>
        <source>The size of this file is not known yet.</source>
        <translation>이 파일의 크기를 아직 알 수 없습니다.</translation>
    </message>
    <message>
        <source>Fits</source>
        <translation>적합</translation>
    </message>
    <message>
        <source>Tight</source>
        <translation>빠듯함</translation>
    </message>
    <message>
        <source>Won&apos;t fit</source>
        <translation>메모리 부족</translation>
    </message>
    <message>
        <source>★ Best: %1</source>
        <translation>★ 추천: %1</translation>
    </message>
    <message>
        <source>Needs about %1: model %2 + context cache %3 at %4 tokens + %5 working memory.
Free %6 now: %7.</source>
        <translation>약 %1 필요: 모델 %2 + 컨텍스트 캐시 %3(%4 토큰) + 작업 메모리 %5.
지금 사용 가능한 %6: %7.</translation>
    </message>
</context>
<context>
    <name>HistorySidebar</name>
    <message>
        <source>New chat</source>
        <translation>새 채팅</translation>
    </message>
    <message>
        <source>Search chats</source>
        <translation>채팅 검색</translation>
    </message>
    <message>
        <source>Search status</source>
        <translation>검색 상태</translation>
    </message>
    <message>
        <source>Chats</source>
        <translation>채팅 목록</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>이름 바꾸기</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
    <message>
        <source>Search results</source>
        <translation>검색 결과</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>실행 취소</translation>
    </message>
    <message>
        <source>Undo delete</source>
        <translation>삭제 취소</translation>
    </message>
    <message>
        <source>Deleted “%1”.</source>
        <translation>“%1” 채팅을 삭제했습니다.</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>검색 중…</translation>
    </message>
    <message>
        <source>No chats match “%1”.</source>
        <translation>“%1”에 맞는 채팅이 없습니다.</translation>
    </message>
</context>
<context>
    <name>InstalledTab</name>
    <message>
        <source>Drop .gguf files here to import them.</source>
        <translation>.gguf 파일을 여기에 끌어다 놓으면 가져옵니다.</translation>
    </message>
    <message>
        <source>Installed models</source>
        <translation>설치된 모델</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>Architecture</source>
        <translation>아키텍처</translation>
    </message>
    <message>
        <source>Parameters</source>
        <translation>파라미터</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>양자화</translation>
    </message>
    <message>
        <source>Context</source>
        <translation>컨텍스트</translation>
    </message>
    <message>
        <source>Chat template</source>
        <translation>채팅 템플릿</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>크기</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>상태</translation>
    </message>
    <message>
        <source>Copy into the models folder</source>
        <translation>모델 폴더로 복사</translation>
    </message>
    <message>
        <source>Link to the original file</source>
        <translation>원본 파일에 연결</translation>
    </message>
    <message>
        <source>How to import</source>
        <translation>가져오기 방식</translation>
    </message>
    <message>
        <source>Import .gguf…</source>
        <translation>.gguf 가져오기…</translation>
    </message>
    <message>
        <source>Import a GGUF model file</source>
        <translation>GGUF 모델 파일 가져오기</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>삭제</translation>
    </message>
    <message>
        <source>Delete the selected model</source>
        <translation>선택한 모델 삭제</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>설정…</translation>
    </message>
    <message>
        <source>Settings of the selected model</source>
        <translation>선택한 모델의 설정</translation>
    </message>
    <message>
        <source>Open folder</source>
        <translation>폴더 열기</translation>
    </message>
    <message>
        <source>Open the models folder</source>
        <translation>모델 폴더 열기</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>예</translation>
    </message>
    <message>
        <source>No</source>
        <translation>아니요</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>사용 가능</translation>
    </message>
    <message>
        <source>Problem: %1</source>
        <translation>문제: %1</translation>
    </message>
    <message>
        <source>Checking and importing %1…</source>
        <translation>%1 확인하고 가져오는 중…</translation>
    </message>
    <message>
        <source>Imported %1.</source>
        <translation>%1 파일을 가져왔습니다.</translation>
    </message>
    <message>
        <source>Import GGUF models</source>
        <translation>GGUF 모델 가져오기</translation>
    </message>
    <message>
        <source>GGUF models (*.gguf)</source>
        <translation>GGUF 모델 (*.gguf)</translation>
    </message>
    <message>
        <source>Only .gguf model files can be imported.</source>
        <translation>.gguf 모델 파일만 가져올 수 있습니다.</translation>
    </message>
    <message>
        <source>Delete model</source>
        <translation>모델 삭제</translation>
    </message>
    <message>
        <source>Delete %1 from this computer?</source>
        <translation>이 컴퓨터에서 %1 파일을 삭제할까요?</translation>
    </message>
    <message>
        <source>Deleted %1.</source>
        <translation>%1 파일을 삭제했습니다.</translation>
    </message>
    <message>
        <source>Saved the settings of %1.</source>
        <translation>%1 설정을 저장했습니다.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>stopped</source>
        <translation>중지됨</translation>
    </message>
    <message>
        <source>reached the answer length limit</source>
        <translation>답변 길이 제한에 도달함</translation>
    </message>
    <message>
        <source>the context window is full</source>
        <translation>컨텍스트 창이 가득 참</translation>
    </message>
    <message>
        <source>interrupted: the app closed while it was written</source>
        <translation>중단됨: 작성 중에 앱이 종료됨</translation>
    </message>
    <message>
        <source>interrupted by an error</source>
        <translation>오류로 중단됨</translation>
    </message>
    <message>
        <source>No answer.</source>
        <translation>답변이 없습니다.</translation>
    </message>
    <message>
        <source>API: %1</source>
        <translation>API: %1</translation>
    </message>
    <message>
        <source>Other programs can use the loaded model at %1</source>
        <translation>다른 프로그램이 %1 주소에서 불러온 모델을 쓸 수 있습니다</translation>
    </message>
    <message>
        <source>Send a first message, then this chat can have its own settings.</source>
        <translation>먼저 메시지를 보내면 이 채팅만의 설정을 지정할 수 있습니다.</translation>
    </message>
    <message>
        <source>Chat settings</source>
        <translation>채팅 설정</translation>
    </message>
    <message>
        <source>Reloading the model with the new settings…</source>
        <translation>새 설정으로 모델을 다시 불러오는 중…</translation>
    </message>
    <message>
        <source>Model ready: %1</source>
        <translation>모델 준비 완료: %1</translation>
    </message>
    <message numerus="yes">
        <source>Downloading %n model(s)</source>
        <translation>
            <numerusform>모델 %n개 다운로드 중</numerusform>
        </translation>
    </message>
    <message>
        <source>There is nothing to export in this chat yet.</source>
        <translation>이 채팅에는 아직 내보낼 내용이 없습니다.</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>내보내기</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>내보내기 완료: %1</translation>
    </message>
    <message>
        <source>Import chats</source>
        <translation>채팅 가져오기</translation>
    </message>
    <message>
        <source>Chat exports (*.json *.zip)</source>
        <translation>채팅 내보내기 파일 (*.json *.zip)</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n chat(s).</source>
        <translation>
            <numerusform>채팅 %n개를 가져왔습니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 %2
Chat privately with a local language model.</source>
        <translation>%1 %2
로컬 언어 모델과 비공개로 채팅하세요.</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>복사됨</translation>
    </message>
    <message>
        <source>Search chats</source>
        <translation>채팅 검색</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>The model that answers</source>
        <translation>답변할 모델</translation>
    </message>
    <message>
        <source>Model loading progress</source>
        <translation>모델 불러오기 진행률</translation>
    </message>
    <message>
        <source>New chat</source>
        <translation>새 채팅</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>중지</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>다시 생성</translation>
    </message>
    <message>
        <source>Focus message box</source>
        <translation>메시지 입력란으로 이동</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>파일(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Chat</source>
        <translation>채팅(&amp;C)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>도움말(&amp;H)</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>설정…</translation>
    </message>
    <message>
        <source>Open log folder</source>
        <translation>로그 폴더 열기</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>종료</translation>
    </message>
    <message>
        <source>About</source>
        <translation>정보</translation>
    </message>
    <message>
        <source>Models…</source>
        <translation>모델…</translation>
    </message>
    <message>
        <source>Remote engines…</source>
        <translation>원격 엔진…</translation>
    </message>
    <message>
        <source>Chat settings…</source>
        <translation>채팅 설정…</translation>
    </message>
    <message>
        <source>Export chat as Markdown…</source>
        <translation>채팅을 Markdown으로 내보내기…</translation>
    </message>
    <message>
        <source>Export chat as JSON…</source>
        <translation>채팅을 JSON으로 내보내기…</translation>
    </message>
    <message>
        <source>Export all chats…</source>
        <translation>모든 채팅 내보내기…</translation>
    </message>
    <message>
        <source>Import chats…</source>
        <translation>채팅 가져오기…</translation>
    </message>
    <message>
        <source>Open the model manager</source>
        <translation>모델 관리자 열기</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>다운로드</translation>
    </message>
    <message>
        <source>{model} — remote ({host})</source>
        <translation>{model} — 원격 ({host})</translation>
    </message>
    <message>
        <source>No models installed</source>
        <translation>설치된 모델 없음</translation>
    </message>
    <message>
        <source>Loading %1…</source>
        <translation>%1 불러오는 중…</translation>
    </message>
    <message>
        <source>No model loaded</source>
        <translation>불러온 모델 없음</translation>
    </message>
    <message>
        <source>The chat history file was damaged. It was moved aside to %1 and a new one was started.</source>
        <translation>채팅 기록 파일이 손상되었습니다. 손상된 파일은 %1 위치로 옮겨 두고 새 파일로 시작했습니다.</translation>
    </message>
    <message numerus="yes">
        <source>%n answer(s) were being written when the app closed; they are kept and marked as interrupted.</source>
        <translation>
            <numerusform>앱이 종료될 때 작성 중이던 답변 %n개를 보존하고 중단됨으로 표시했습니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>No model is loaded. Choose a model above.</source>
        <translation>불러온 모델이 없습니다. 위에서 모델을 선택하세요.</translation>
    </message>
    <message>
        <source>This message is too long (%1 characters). The limit is %2.</source>
        <translation>메시지가 너무 깁니다(%1자). 최대 %2자까지 보낼 수 있습니다.</translation>
    </message>
    <message>
        <source>Edit message</source>
        <translation>메시지 편집</translation>
    </message>
    <message>
        <source>Ask again with this text (the original stays as a version):</source>
        <translation>이 내용으로 다시 질문합니다(원래 메시지는 이전 버전으로 남습니다):</translation>
    </message>
    <message numerus="yes">
        <source>%n older message(s) were left out so the conversation fits the model&apos;s context window.</source>
        <translation>
            <numerusform>대화가 모델의 컨텍스트 창에 들어가도록 오래된 메시지 %n개를 제외했습니다.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 tok/s · first token %2 ms</source>
        <translation>%1 토큰/초 · 첫 토큰 %2ms</translation>
    </message>
    <message>
        <source>The engine was restarted.</source>
        <translation>엔진을 다시 시작했습니다.</translation>
    </message>
    <message>
        <source>Send</source>
        <translation>보내기</translation>
    </message>
    <message>
        <source>Stop answer</source>
        <translation>답변 중지</translation>
    </message>
    <message>
        <source>Send message</source>
        <translation>메시지 보내기</translation>
    </message>
    <message>
        <source>No model is installed yet. Pick one in the model manager: the ones marked &quot;fits&quot; run well here.</source>
        <translation>아직 설치된 모델이 없습니다. 모델 관리자에서 하나를 고르세요. ‘적합’으로 표시된 모델이 이 컴퓨터에서 잘 돌아갑니다.</translation>
    </message>
</context>
<context>
    <name>MessageWidget</name>
    <message>
        <source>You</source>
        <translation>나</translation>
    </message>
    <message>
        <source>Assistant</source>
        <translation>어시스턴트</translation>
    </message>
    <message>
        <source>System</source>
        <translation>시스템</translation>
    </message>
    <message>
        <source>Notice</source>
        <translation>알림</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>오류</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>복사</translation>
    </message>
    <message>
        <source>Copy this message</source>
        <translation>이 메시지 복사</translation>
    </message>
    <message>
        <source>Copy message</source>
        <translation>메시지 복사</translation>
    </message>
    <message>
        <source>Regenerate</source>
        <translation>다시 생성</translation>
    </message>
    <message>
        <source>Write this answer again</source>
        <translation>이 답변을 다시 작성합니다</translation>
    </message>
    <message>
        <source>Regenerate answer</source>
        <translation>답변 다시 생성</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>편집</translation>
    </message>
    <message>
        <source>Edit and ask again; this version stays as a branch</source>
        <translation>편집해서 다시 질문합니다. 지금 버전도 그대로 남습니다</translation>
    </message>
    <message>
        <source>Edit message</source>
        <translation>메시지 편집</translation>
    </message>
    <message>
        <source>Previous version</source>
        <translation>이전 버전</translation>
    </message>
    <message>
        <source>Next version</source>
        <translation>다음 버전</translation>
    </message>
    <message>
        <source>Version %1 of %2</source>
        <translation>버전 %1/%2</translation>
    </message>
    <message numerus="yes">
        <source>%n tokens</source>
        <translation>
            <numerusform>%n 토큰</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 tok/s</source>
        <translation>%1 토큰/초</translation>
    </message>
    <message>
        <source>first token %1 ms</source>
        <translation>첫 토큰 %1ms</translation>
    </message>
    <message>
        <source>… %1 more characters (Copy takes the whole message)</source>
        <translation>… %1자 더 있음 (복사하면 메시지 전체가 복사됩니다)</translation>
    </message>
    <message>
        <source>Copy selection</source>
        <translation>선택 영역 복사</translation>
    </message>
    <message numerus="yes">
        <source>Copy code block %n</source>
        <translation>
            <numerusform>코드 블록 %n 복사</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ModelManagerDialog</name>
    <message>
        <source>Models</source>
        <translation>모델</translation>
    </message>
    <message>
        <source>%1 tokens</source>
        <translation>%1 토큰</translation>
    </message>
    <message>
        <source>Context length used for the memory estimates</source>
        <translation>메모리 추정에 쓰는 컨텍스트 길이</translation>
    </message>
    <message>
        <source>Estimate memory for a context of</source>
        <translation>메모리 추정 기준 컨텍스트 길이</translation>
    </message>
    <message>
        <source>Model manager sections</source>
        <translation>모델 관리자 섹션</translation>
    </message>
    <message>
        <source>Catalog</source>
        <translation>카탈로그</translation>
    </message>
    <message>
        <source>Search Hugging Face</source>
        <translation>Hugging Face 검색</translation>
    </message>
    <message>
        <source>Installed</source>
        <translation>설치됨</translation>
    </message>
    <message>
        <source>Downloads</source>
        <translation>다운로드</translation>
    </message>
    <message>
        <source>You are offline, or Hugging Face cannot be reached. The catalog and your installed models still work; searching and downloading resume once you are back online.</source>
        <translation>오프라인이거나 Hugging Face에 연결할 수 없습니다. 카탈로그와 설치된 모델은 계속 쓸 수 있으며, 다시 온라인이 되면 검색과 다운로드가 재개됩니다.</translation>
    </message>
    <message>
        <source>Starting the download of %1…</source>
        <translation>%1 다운로드를 시작하는 중…</translation>
    </message>
</context>
<context>
    <name>ModelSettingsDialog</name>
    <message>
        <source>Settings for %1</source>
        <translation>%1 설정</translation>
    </message>
    <message>
        <source>System prompt</source>
        <translation>시스템 프롬프트</translation>
    </message>
    <message>
        <source>Chat template override</source>
        <translation>채팅 템플릿 직접 지정</translation>
    </message>
    <message>
        <source>Temperature</source>
        <translation>온도</translation>
    </message>
    <message>
        <source>Top P</source>
        <translation>Top-P</translation>
    </message>
    <message>
        <source>Context length</source>
        <translation>컨텍스트 길이</translation>
    </message>
    <message>
        <source>GPU layers</source>
        <translation>GPU 레이어</translation>
    </message>
    <message>
        <source>Leave empty to use the template in the model file</source>
        <translation>비워 두면 모델 파일의 템플릿을 씁니다</translation>
    </message>
    <message>
        <source>App default</source>
        <translation>앱 기본값</translation>
    </message>
    <message>
        <source>Model default</source>
        <translation>모델 기본값</translation>
    </message>
    <message>
        <source>-1 offloads every layer to the GPU; 0 uses the CPU only.</source>
        <translation>-1이면 모든 레이어를 GPU에서 실행하고, 0이면 CPU만 씁니다.</translation>
    </message>
</context>
<context>
    <name>RemoteEnginesDialog</name>
    <message>
        <source>Remote engines</source>
        <translation>원격 엔진</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>추가</translation>
    </message>
    <message>
        <source>Add a remote engine</source>
        <translation>원격 엔진 추가</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>제거</translation>
    </message>
    <message>
        <source>Remove the selected remote engine</source>
        <translation>선택한 원격 엔진 제거</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>이름</translation>
    </message>
    <message>
        <source>My workstation</source>
        <translation>내 워크스테이션</translation>
    </message>
    <message>
        <source>Base URL</source>
        <translation>기본 URL</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API 키</translation>
    </message>
    <message>
        <source>Remove the stored API key</source>
        <translation>저장된 API 키 삭제</translation>
    </message>
    <message>
        <source>Trusted certificate</source>
        <translation>신뢰할 인증서</translation>
    </message>
    <message>
        <source>Only for a server with a self-signed certificate</source>
        <translation>자체 서명 인증서를 쓰는 서버에만 필요</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>찾아보기…</translation>
    </message>
    <message>
        <source>Choose a certificate file to trust</source>
        <translation>신뢰할 인증서 파일 선택</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>이름:</translation>
    </message>
    <message>
        <source>Base URL:</source>
        <translation>기본 URL:</translation>
    </message>
    <message>
        <source>API key:</source>
        <translation>API 키:</translation>
    </message>
    <message>
        <source>Trust certificate:</source>
        <translation>신뢰할 인증서:</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>연결 테스트</translation>
    </message>
    <message>
        <source>Test the connection and list the models</source>
        <translation>연결을 테스트하고 모델 목록 가져오기</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>저장</translation>
    </message>
    <message>
        <source>Save this remote engine</source>
        <translation>이 원격 엔진 저장</translation>
    </message>
    <message>
        <source>Connection status</source>
        <translation>연결 상태</translation>
    </message>
    <message>
        <source>Models:</source>
        <translation>모델:</translation>
    </message>
    <message>
        <source>Models on this engine</source>
        <translation>이 엔진의 모델</translation>
    </message>
    <message>
        <source>Stored; leave empty to keep it</source>
        <translation>저장됨. 비워 두면 그대로 유지합니다</translation>
    </message>
    <message>
        <source>Optional</source>
        <translation>선택 사항</translation>
    </message>
    <message>
        <source>API keys are kept in the system&apos;s secret store, never in chats or exports.</source>
        <translation>API 키는 시스템 보안 저장소에 보관되며, 채팅이나 내보낸 파일에는 들어가지 않습니다.</translation>
    </message>
    <message>
        <source>API keys are kept in a file only you can read in the settings folder, never in chats or exports.</source>
        <translation>API 키는 설정 폴더에 있는, 본인만 읽을 수 있는 파일에 보관되며, 채팅이나 내보낸 파일에는 들어가지 않습니다.</translation>
    </message>
    <message>
        <source>Enter the server&apos;s address, then test the connection.</source>
        <translation>서버 주소를 입력한 다음 연결을 테스트하세요.</translation>
    </message>
    <message>
        <source> (context {0})</source>
        <translation> (컨텍스트 {0})</translation>
    </message>
    <message>
        <source>Connecting to {0}…</source>
        <translation>{0}에 연결하는 중…</translation>
    </message>
    <message>
        <source>The remote engines could not be saved: {0}</source>
        <translation>원격 엔진을 저장하지 못했습니다: {0}</translation>
    </message>
    <message>
        <source>Saved. Listing the models…</source>
        <translation>저장했습니다. 모델 목록을 가져오는 중…</translation>
    </message>
    <message>
        <source>The remote engine could not be removed: {0}</source>
        <translation>원격 엔진을 제거하지 못했습니다: {0}</translation>
    </message>
    <message>
        <source>Trust a certificate</source>
        <translation>인증서 신뢰하기</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>인증서 (*.pem *.crt *.cer);;모든 파일 (*)</translation>
    </message>
    <message>
        <source>This address is not encrypted (http://): the API key and your chats travel in the clear. Use https:// if the server offers it.</source>
        <translation>이 주소는 암호화되지 않습니다(http://). API 키와 채팅 내용이 그대로 전송됩니다. 서버가 지원하면 https://를 쓰세요.</translation>
    </message>
    <message>
        <source>Connected: {0} model(s) available.</source>
        <translation>연결됨: 모델 {0}개를 쓸 수 있습니다.</translation>
    </message>
    <message>
        <source>Connected, but the server offers no models.</source>
        <translation>연결되었지만 서버에 사용할 수 있는 모델이 없습니다.</translation>
    </message>
</context>
<context>
    <name>SearchResultsModel</name>
    <message>
        <source>New chat</source>
        <translation>새 채팅</translation>
    </message>
</context>
<context>
    <name>SearchTab</name>
    <message>
        <source>Search GGUF models, e.g. qwen2.5 instruct</source>
        <translation>GGUF 모델 검색 (예: qwen2.5 instruct)</translation>
    </message>
    <message>
        <source>Search Hugging Face</source>
        <translation>Hugging Face 검색</translation>
    </message>
    <message>
        <source>Most downloaded</source>
        <translation>다운로드 많은 순</translation>
    </message>
    <message>
        <source>Recently updated</source>
        <translation>최근 업데이트 순</translation>
    </message>
    <message>
        <source>Sort results</source>
        <translation>결과 정렬</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>검색</translation>
    </message>
    <message>
        <source>Matching repositories</source>
        <translation>검색된 저장소</translation>
    </message>
    <message>
        <source>GGUF files in the repository</source>
        <translation>저장소의 GGUF 파일</translation>
    </message>
    <message>
        <source>File</source>
        <translation>파일</translation>
    </message>
    <message>
        <source>Quantization</source>
        <translation>양자화</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>크기</translation>
    </message>
    <message>
        <source>On this computer</source>
        <translation>이 컴퓨터에서</translation>
    </message>
    <message>
        <source>Hugging Face token (for gated or private models)</source>
        <translation>Hugging Face 토큰 (접근 제한 모델이나 비공개 모델용)</translation>
    </message>
    <message>
        <source>Hugging Face token</source>
        <translation>Hugging Face 토큰</translation>
    </message>
    <message>
        <source>Save token</source>
        <translation>토큰 저장</translation>
    </message>
    <message>
        <source>Save Hugging Face token</source>
        <translation>Hugging Face 토큰 저장</translation>
    </message>
    <message>
        <source>Forget token</source>
        <translation>토큰 삭제</translation>
    </message>
    <message>
        <source>Forget the saved Hugging Face token</source>
        <translation>저장된 Hugging Face 토큰 삭제</translation>
    </message>
    <message>
        <source>%1 downloads</source>
        <translation>다운로드 %1회</translation>
    </message>
    <message>
        <source>gated: needs a token</source>
        <translation>접근 제한: 토큰 필요</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>검색 중…</translation>
    </message>
    <message>
        <source>No GGUF models found.</source>
        <translation>GGUF 모델을 찾지 못했습니다.</translation>
    </message>
    <message numerus="yes">
        <source>%n repositories</source>
        <translation>
            <numerusform>저장소 %n개</numerusform>
        </translation>
    </message>
    <message>
        <source>Listing files of %1…</source>
        <translation>%1의 파일 목록을 가져오는 중…</translation>
    </message>
    <message numerus="yes">
        <source>%n GGUF files</source>
        <translation>
            <numerusform>GGUF 파일 %n개</numerusform>
        </translation>
    </message>
    <message>
        <source>Download</source>
        <translation>다운로드</translation>
    </message>
    <message>
        <source>Download %1</source>
        <translation>%1 다운로드</translation>
    </message>
    <message>
        <source>Split file: not supported yet</source>
        <translation>분할 파일: 아직 지원하지 않음</translation>
    </message>
    <message>
        <source>Vision add-on</source>
        <translation>비전 추가 파일</translation>
    </message>
    <message>
        <source>A token is saved.</source>
        <translation>토큰이 저장되어 있습니다.</translation>
    </message>
    <message>
        <source>No token saved.</source>
        <translation>저장된 토큰이 없습니다.</translation>
    </message>
</context>
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
        <source>Local API server</source>
        <translation>로컬 API 서버</translation>
    </message>
    <message>
        <source>Let other programs use the loaded model through an OpenAI-compatible API at http://localhost:&lt;port&gt;/v1.</source>
        <translation>다른 프로그램이 http://localhost:&lt;port&gt;/v1 주소의 OpenAI 호환 API로 불러온 모델을 쓸 수 있게 합니다.</translation>
    </message>
    <message>
        <source>API server port</source>
        <translation>API 서버 포트</translation>
    </message>
    <message>
        <source>The port the local API server listens on.</source>
        <translation>로컬 API 서버가 요청을 받는 포트입니다.</translation>
    </message>
    <message>
        <source>API server key</source>
        <translation>API 서버 키</translation>
    </message>
    <message>
        <source>Programs must send this key as a Bearer token. Required when the local network is allowed.</source>
        <translation>프로그램은 이 키를 Bearer 토큰으로 보내야 합니다. 로컬 네트워크를 허용하면 반드시 필요합니다.</translation>
    </message>
    <message>
        <source>Allow the local network</source>
        <translation>로컬 네트워크 허용</translation>
    </message>
    <message>
        <source>Let other computers on your network use the API server. Needs an API key.</source>
        <translation>같은 네트워크의 다른 컴퓨터도 API 서버를 쓸 수 있게 합니다. API 키가 필요합니다.</translation>
    </message>
    <message>
        <source>Show API requests in a Server chat</source>
        <translation>‘Server’ 채팅에 API 요청 표시</translation>
    </message>
    <message>
        <source>Each request to the API server and its answer appear in a chat named Server.</source>
        <translation>API 서버로 들어온 요청과 그 답변이 ‘Server’라는 이름의 채팅에 표시됩니다.</translation>
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
