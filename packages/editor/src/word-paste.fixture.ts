/**
 * Clipboard HTML as Office programs write it, for the paste tests (unit and Chromium). Written
 * here after real clipboards, abridged: Word's head (<xml> settings, the style sheet), runs in
 * styled spans, <o:p>, a fake numbered list and a Wingdings bullet list, a VML picture with its
 * <img> fallback, a table with colspan, a smart tag and a bookmark; WPS's real comments around a
 * list marker and bold by style.
 */

/** What Word 2016 (zh-CN) puts on the clipboard as text/html, abridged: head, list, table, runs. */
export const WORD_CLIPBOARD = `<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">
<head><meta http-equiv=Content-Type content="text/html; charset=utf-8"><meta name=ProgId content=Word.Document>
<meta name=Generator content="Microsoft Word 15"><link rel=File-List href="file:///C:/Users/ZF/AppData/Local/Temp/msohtmlclip1/01/clip_filelist.xml">
<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View><w:Zoom>0</w:Zoom></w:WordDocument></xml><![endif]-->
<style><!-- /* Style Definitions */ p.MsoNormal {mso-style-parent:""; margin:0cm; font-size:10.5pt;} @page WordSection1 {size:595.3pt 841.9pt;} --></style>
</head>
<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>
<!--StartFragment-->
<h1 style='mso-style-name:"标题 1"'><span style='font-family:黑体;mso-ascii-font-family:"Times New Roman"'>关于做好
防汛工作的通知<o:p></o:p></span></h1>
<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0'><span
style='font-size:16.0pt;font-family:仿宋_GB2312;mso-hansi-font-family:"Times New Roman"'>各乡镇人民政府，区直各单位：<span
lang=EN-US><o:p></o:p></span></span></p>
<p class=MsoNormal style='text-indent:32.0pt'><span style='font-size:16.0pt;font-family:仿宋_GB2312'>请于<span
style='font-weight:bold;mso-bidi-font-weight:normal'>8月3日前</span>报送，并注意<i style='mso-bidi-font-style:normal'>安全</i>，<span
style='font-style:italic'>切实</span>落实<b style='mso-bidi-font-weight:normal'><span lang=EN-US>24</span>小时值班</b>制度；<span
style='text-decoration:underline;text-underline:single'>严禁</span>擅离职守。CO<span style='vertical-align:sub'>2</span><o:p></o:p></span></p>
<p class=MsoNormal><o:p>&nbsp;</o:p></p>
<p class=MsoListParagraphCxSpFirst style='margin-left:21.0pt;text-indent:-21.0pt;mso-list:l0 level1 lfo1'><![if !supportLists]><span
lang=EN-US style='mso-fareast-font-family:"Times New Roman"'><span style='mso-list:Ignore'>1.<span style='font:7.0pt "Times New Roman"'>&nbsp;&nbsp;&nbsp;
</span></span></span><![endif]><span style='font-family:仿宋_GB2312'>加强巡查<o:p></o:p></span></p>
<p class=MsoListParagraphCxSpLast style='margin-left:21.0pt;text-indent:-21.0pt;mso-list:l1 level1 lfo2'><![if !supportLists]><span
lang=EN-US style='font-family:Wingdings;mso-fareast-font-family:Wingdings'><span style='mso-list:Ignore'>§<span
style='font:7.0pt "Times New Roman"'>&nbsp; </span></span></span><![endif]><span style='font-family:仿宋_GB2312'>落实责任<o:p></o:p></span></p>
<!--[if gte vml 1]><v:shapetype id="_x0000_t75" coordsize="21600,21600"><v:stroke joinstyle="miter"/></v:shapetype><v:shape id="Picture_1" type="#_x0000_t75"><v:imagedata src="file:///C:/Users/ZF/AppData/Local/Temp/msohtmlclip1/01/clip_image001.png" o:title=""/></v:shape><![endif]--><![if !vml]><img width=200 height=100 src="file:///C:/Users/ZF/AppData/Local/Temp/msohtmlclip1/01/clip_image002.png" v:shapes="Picture_1"><![endif]>
<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;mso-yfti-tbllook:1184'>
 <tr style='mso-yfti-irow:0;mso-yfti-firstrow:yes'>
  <td width=553 colspan=2 valign=top style='width:414.8pt;border:solid windowtext 1.0pt;padding:0cm 5.4pt 0cm 5.4pt'>
  <p class=MsoNormal align=center style='text-align:center'><b><span style='font-family:黑体'>值班安排表<o:p></o:p></span></b></p>
  </td>
 </tr>
 <tr style='mso-yfti-irow:1;mso-yfti-lastrow:yes'>
  <td width=276 valign=top style='width:207.4pt;border:solid windowtext 1.0pt;border-top:none'>
  <p class=MsoNormal><span style='font-family:仿宋_GB2312'>8月<st1:chmetcnv UnitName="日" SourceValue="1" HasSpace="False" Negative="False" NumberType="1" TCSC="0" w:st="on">1日</st1:chmetcnv><o:p></o:p></span></p>
  </td>
  <td width=276 rowspan=1 valign=top style='width:207.4pt;border-top:none'>
  <p class=MsoNormal><a name="_Toc1"></a><a href="https://www.example.gov.cn/zb">张三</a><o:p></o:p></p>
  </td>
 </tr>
</table>
<br clear=all style='mso-special-character:line-break;page-break-before:always'>
<p class=MsoNormal><font face="宋体"><span style="font-weight:700">附件</span></font><span></span></p>
<!--EndFragment-->
</body>
</html>`;

/** What WPS Office 2019 puts on the clipboard: real comments around list markers, bold by style. */
export const WPS_CLIPBOARD = `<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><meta name="ProgId" content="Word.Document">
<meta name="Generator" content="WPS Office_11.1.0.11830_F1E327BC-269C-435d-A152-05C5408002CA"><style>p.MsoNormal{mso-style-name:正文;}</style></head>
<body><!--StartFragment--><p class="MsoNormal" style="text-indent:32.0000pt;mso-char-indent-count:2.0000;"><span style="mso-spacerun:'yes';font-family:仿宋_GB2312;font-weight:bold;font-size:16.0000pt;">一、工作目标</span><span style="mso-spacerun:'yes';font-family:仿宋_GB2312;font-size:16.0000pt;"><o:p></o:p></span></p>
<p class="MsoListParagraph" style="margin-left:0pt;mso-list:l0 level1 lfo1;"><!--[if !supportLists]--><span style="font-family:宋体;mso-list:Ignore;">（一）</span><!--[endif]--><span style="font-family:仿宋_GB2312;font-style:italic;">总体要求</span></p><!--EndFragment--></body></html>`;
