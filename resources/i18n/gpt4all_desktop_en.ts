<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>MainWindow</name>
    <message numerus="yes">
        <source>Downloading %n model(s)</source>
        <translation>
            <numerusform>Downloading %n model</numerusform>
            <numerusform>Downloading %n models</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n chat(s).</source>
        <translation>
            <numerusform>Imported %n chat.</numerusform>
            <numerusform>Imported %n chats.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n answer(s) were being written when the app closed; they are kept and marked as interrupted.</source>
        <translation>
            <numerusform>%n answer was being written when the app closed; it is kept and marked as interrupted.</numerusform>
            <numerusform>%n answers were being written when the app closed; they are kept and marked as interrupted.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n older message(s) were left out so the conversation fits the model&apos;s context window.</source>
        <translation>
            <numerusform>%n older message was left out so the conversation fits the model&apos;s context window.</numerusform>
            <numerusform>%n older messages were left out so the conversation fits the model&apos;s context window.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MessageWidget</name>
    <message numerus="yes">
        <source>%n tokens</source>
        <translation>
            <numerusform>%n token</numerusform>
            <numerusform>%n tokens</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Copy code block %n</source>
        <translation>
            <numerusform>Copy code block %n</numerusform>
            <numerusform>Copy code block %n</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SearchTab</name>
    <message numerus="yes">
        <source>%n repositories</source>
        <translation>
            <numerusform>%n repository</numerusform>
            <numerusform>%n repositories</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n GGUF files</source>
        <translation>
            <numerusform>%n GGUF file</numerusform>
            <numerusform>%n GGUF files</numerusform>
        </translation>
    </message>
</context>
</TS>
